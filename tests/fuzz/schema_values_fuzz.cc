// SPDX-License-Identifier: GPL-2.0-or-later
// Fuzz target: the value-slot decoders of schema.h: the list of a multi-valued slot (decode_list,
// for_each_listed) and the publication time (decode_published). The first byte chooses: decode the
// rest as a slot's bytes, or encode a list described by the rest. Contract:
// decode_list(encode_list(v)) == v; on any bytes the two list decoders never read outside them and
// yield the same values (for_each_listed in place, in order, without overlap), which round-trip;
// decode_published gives nothing or a time that round-trips (never undefined behaviour on a value
// it did not write).
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "fuzz_support.h"
#include "gazette/common/schema.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using gazette::fuzz::check;
  namespace schema = gazette::schema;
  gazette::fuzz::ByteReader in(data, size);
  std::uint8_t mode = in.byte();
  if (mode % 2 == 0) {
    std::string bytes = in.rest();
    std::vector<std::string> list = schema::decode_list(bytes);
    std::size_t n = 0;
    const char* last_end = bytes.data();
    schema::for_each_listed(bytes, [&](std::string_view v) {
      check(n < list.size() && v == list[n], "for_each_listed and decode_list disagree");
      check(v.data() >= last_end && v.data() + v.size() <= bytes.data() + bytes.size(),
            "for_each_listed yields a view outside the bytes or out of order");
      last_end = v.data() + v.size();
      ++n;
    });
    check(n == list.size(), "for_each_listed and decode_list disagree in number");
    check(schema::decode_list(schema::encode_list(list)) == list, "a decoded list does not round-trip");
    std::optional<std::int64_t> t = schema::decode_published(bytes);
    if (t) check(schema::decode_published(schema::encode_published(*t)) == t, "a decoded time does not round-trip");
    return 0;
  }
  std::vector<std::string> list;
  while (list.size() < 64) {
    std::uint8_t more = in.byte();
    if (more == 0) break;
    list.push_back(in.string(more % 2 ? 255 : 1));
  }
  std::string encoded = schema::encode_list(list);
  check(schema::decode_list(encoded) == list, "decode_list(encode_list(v)) differs from v");
  std::int64_t seconds = static_cast<std::int64_t>(in.u64() >> (in.byte() % 64));
  // Publication times are whole seconds that a double holds exactly.
  if (seconds > -(std::int64_t{1} << 53) && seconds < (std::int64_t{1} << 53)) {
    check(schema::decode_published(schema::encode_published(seconds)) == seconds,
          "a publication time does not round-trip");
  }
  return 0;
}
