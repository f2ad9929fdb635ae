#pragma once
// Unicode classes used by the tiktoken split patterns (internal to core/tokenize).
// The range data is generated (tools/gen_unicode_tables.mjs, Unicode 16.0.0, the version the
// reference tiktoken build uses); CharClasses expands it once into a two-stage lookup table.
#include <cstdint>

namespace wb::tokenize_detail {

enum CharFlag : std::uint8_t {
    kLetter = 1,       ///< \p{L}
    kNumber = 2,       ///< \p{N}
    kSpace = 4,        ///< \s = White_Space (as Rust's regex crate)
    kUpperish = 8,     ///< o200k [\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}]
    kLowerish = 16,    ///< o200k [\p{Ll}\p{Lm}\p{Lo}\p{M}]
};

struct FoldEntry { unsigned int codePoint; char folded; };

extern const unsigned int kUnicodeRuns[];
extern const int kUnicodeRunCount;
extern const FoldEntry kContractionFolds[];
extern const int kContractionFoldCount;

/// Flags of every code point: stage1[cp >> 8] selects a 256-entry block of stage2.
struct CharClasses {
    std::uint16_t stage1[0x110000 >> 8];
    const std::uint8_t *stage2;   // blocks * 256, owned by the process-lifetime instance
    std::uint8_t ascii[128];      // flags of U+0000..U+007F without the two-stage walk

    std::uint8_t flags(std::uint32_t cp) const
    {
        return cp < 0x110000 ? stage2[(std::uint32_t(stage1[cp >> 8]) << 8) | (cp & 0xFF)] : 0;
    }
    /// Built on first use, thread-safe (function-local static).
    static const CharClasses &instance();
};

} // namespace wb::tokenize_detail
