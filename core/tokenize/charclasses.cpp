#include "core/tokenize/unicodetables.h"

#include <cstring>
#include <map>
#include <string>
#include <vector>

namespace wb::tokenize_detail {

const CharClasses &CharClasses::instance()
{
    // Expanding ~3,200 generated runs into a deduplicated two-stage table costs about a
    // millisecond once and makes every lookup two loads instead of a binary search.
    static const CharClasses table = [] {
        CharClasses t{};
        std::vector<std::uint8_t> flat(0x110000, 0);
        for (int k = 0; k < kUnicodeRunCount; ++k) {
            const unsigned int first = kUnicodeRuns[k] >> 8;
            const unsigned int last = k + 1 < kUnicodeRunCount ? (kUnicodeRuns[k + 1] >> 8) : 0x110000u;
            std::memset(flat.data() + first, int(kUnicodeRuns[k] & 0xFF), last - first);
        }
        static std::vector<std::uint8_t> blocks;   // lives as long as the process
        std::map<std::string, std::uint16_t> seen;
        for (unsigned int hi = 0; hi < (0x110000u >> 8); ++hi) {
            std::string key(reinterpret_cast<const char *>(flat.data()) + (hi << 8), 256);
            auto [it, inserted] = seen.emplace(std::move(key), std::uint16_t(seen.size()));
            if (inserted)
                blocks.insert(blocks.end(), flat.begin() + (hi << 8), flat.begin() + (hi << 8) + 256);
            t.stage1[hi] = it->second;
        }
        t.stage2 = blocks.data();
        for (unsigned int c = 0; c < 128; ++c)
            t.ascii[c] = flat[c];
        return t;
    }();
    return table;
}

} // namespace wb::tokenize_detail
