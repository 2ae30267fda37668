// SPDX-License-Identifier: GPL-2.0-or-later
// The shared gazette_search library is made of the whole gazette_searcher archive; a target
// needs one source of its own, and this is it.
namespace gazette {
int gazette_search_abi_version() { return 0; }
}  // namespace gazette
