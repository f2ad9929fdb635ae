#pragma once
// Rank table of one byte-level BPE vocabulary (internal to core/tokenize): token bytes -> rank
// through an open-addressing hash over one contiguous byte blob. Avoids std::unordered_map of
// std::string on the hot path: a lookup is one hash, one 8-byte slot probe (usually) and one memcmp.
#include "core/common/result.h"

#include <QByteArray>
#include <cstdint>
#include <cstring>
#include <vector>

namespace wb::tokenize_detail {

inline std::uint64_t load64(const std::uint8_t *p) { std::uint64_t v; std::memcpy(&v, p, 8); return v; }
inline std::uint32_t load32(const std::uint8_t *p) { std::uint32_t v; std::memcpy(&v, p, 4); return v; }

/// Equality of two n-byte strings (n >= 2) with word loads; cheaper than a memcmp call for tokens.
inline bool equalBytes(const std::uint8_t *a, const std::uint8_t *b, std::size_t n)
{
    if (n >= 8) {
        for (std::size_t i = 0; i + 8 < n; i += 8) {
            if (load64(a + i) != load64(b + i))
                return false;
        }
        return load64(a + n - 8) == load64(b + n - 8);
    }
    if (n >= 4)
        return load32(a) == load32(b) && load32(a + n - 4) == load32(b + n - 4);
    return a[0] == b[0] && a[1] == b[1] && a[n - 1] == b[n - 1];
}

/// Fast non-cryptographic hash for short byte strings (tokens are <= 128 bytes).
inline std::uint64_t hashBytes(const std::uint8_t *p, std::size_t n)
{
    constexpr std::uint64_t k1 = 0x9E3779B97F4A7C15ull, k2 = 0xBF58476D1CE4E5B9ull;
    std::uint64_t a, b;
    if (n >= 8) {
        a = load64(p);
        b = load64(p + n - 8);   // overlapping tail load covers 8..16 without a loop
        std::uint64_t h = n * k1;
        for (std::size_t i = 8; i + 8 < n; i += 8)
            h = (h ^ load64(p + i)) * k2, h ^= h >> 31;
        a ^= h;
    } else if (n >= 4) {
        a = load32(p);
        b = load32(p + n - 4);
    } else if (n > 0) {
        a = (std::uint64_t(p[0]) << 16) | (std::uint64_t(p[n >> 1]) << 8) | p[n - 1];
        b = 0;
    } else {
        a = b = 0;
    }
    std::uint64_t h = (a ^ (n * k1)) * k2;
    h ^= (b + k1) * k1;
    h ^= h >> 32;
    h *= k2;
    h ^= h >> 29;
    return h;
}

class BpeRanks {
public:
    /// Parses a `.tiktoken` text (`<base64> <rank>` per line, ranks contiguous from 0).
    static Result<BpeRanks> parse(const QByteArray &tiktokenText);

    /// Rank of the byte string, or -1.
    int find(const std::uint8_t *p, std::size_t n) const
    {
        if (n > m_maxTokenLen || n == 0)
            return -1;
        if (n == 1)
            return m_byteRank[p[0]];
        const std::uint64_t h = hashBytes(p, n);
        const std::uint32_t tag = std::uint32_t(h >> 32) | 1u;   // never 0 = empty
        std::size_t i = std::size_t(h) & m_mask;
        for (;;) {
            const Slot &s = m_slots[i];
            if (s.tag == 0)
                return -1;
            if (s.tag == tag) {
                const std::uint32_t off = m_offsets[s.rank];
                if (m_offsets[s.rank + 1] - off == n && equalBytes(m_blob.data() + off, p, n))
                    return int(s.rank);
            }
            i = (i + 1) & m_mask;
        }
    }
    int byteRank(std::uint8_t b) const { return m_byteRank[b]; }
    int size() const { return int(m_offsets.size()) - 1; }
    std::size_t maxTokenLength() const { return m_maxTokenLen; }
    /// Bytes of a token; empty for an unknown rank.
    QByteArray tokenBytes(int rank) const;
    void appendTokenBytes(int rank, QByteArray &out) const;

private:
    struct Slot { std::uint32_t tag = 0; std::uint32_t rank = 0; };
    std::vector<std::uint8_t> m_blob;        // all token bytes, by rank
    std::vector<std::uint32_t> m_offsets;    // size()+1 offsets into m_blob
    std::vector<Slot> m_slots;
    std::size_t m_mask = 0;
    std::size_t m_maxTokenLen = 0;
    int m_byteRank[256] = {};
};

} // namespace wb::tokenize_detail
