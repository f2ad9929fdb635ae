#pragma once
// Pre-tokenizer (hand-written matchers equivalent to the cl100k_base / o200k_base split regexes)
// and byte-pair merging, internal to core/tokenize. Works on UTF-8 bytes: pieces are byte ranges,
// code points are decoded on the fly for classification only.
#include "core/tokenize/bperanks.h"
#include "core/tokenize/unicodetables.h"

#include <climits>
#include <queue>

namespace wb::tokenize_detail {

enum class SplitPattern { Cl100k, O200k };

struct Ch {
    std::uint32_t cp;
    std::uint32_t len;
    std::uint8_t f;
};

/// One regex-equivalent scan over a UTF-8 buffer. Each next(i) returns the end of the pre-token
/// starting at i, exactly as tiktoken's pattern (PCRE-style ordered alternation) would.
/// Invalid UTF-8 bytes (only possible through countUtf8) are classed one by one as U+FFFD.
class Splitter {
public:
    Splitter(const std::uint8_t *s, std::size_t n, const CharClasses &cc) : m_s(s), m_n(n), m_cc(cc) {}

    Ch at(std::size_t i) const
    {
        const std::uint8_t c = m_s[i];
        if (c < 0x80) [[likely]]
            return {c, 1, m_cc.ascii[c]};
        return decodeMultiByte(i);
    }

    std::size_t nextCl100k(std::size_t i) const
    {
        const Ch c = at(i);
        // '(?i:'s|'t|'re|'ve|'m|'ll|'d)
        if (c.cp == '\'') {
            if (const std::size_t e = contraction(i))
                return e;
        }
        // [^\r\n\p{L}\p{N}]?\p{L}+
        if (c.f & kLetter)
            return run(i + c.len, kLetter);
        if (!(c.f & kNumber) && c.cp != '\r' && c.cp != '\n' && i + c.len < m_n) {
            const Ch d = at(i + c.len);
            if (d.f & kLetter)
                return run(i + c.len + d.len, kLetter);
        }
        // \p{N}{1,3}
        if (c.f & kNumber)
            return digits(i + c.len);
        // " ?[^\s\p{L}\p{N}]+[\r\n]*"
        if (const std::size_t e = punctuation(i, c, false))
            return e;
        return whitespace(i);
    }

    std::size_t nextO200k(std::size_t i) const
    {
        const Ch c = at(i);
        const bool prefix = !(c.f & (kLetter | kNumber)) && c.cp != '\r' && c.cp != '\n';
        // [^\r\n\p{L}\p{N}]?[\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}]*[\p{Ll}\p{Lm}\p{Lo}\p{M}]+(?i:'s|...)?
        // The optional prefix is tried taken first, then skipped (a mark can be either).
        if (prefix) {
            if (const std::size_t e = upperStarLowerPlus(i + c.len))
                return e;
        }
        if (const std::size_t e = upperStarLowerPlus(i))
            return e;
        // [^\r\n\p{L}\p{N}]?[\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}]+[\p{Ll}\p{Lm}\p{Lo}\p{M}]*(?i:'s|...)?
        if (prefix) {
            if (const std::size_t e = upperPlusLowerStar(i + c.len))
                return e;
        }
        if (const std::size_t e = upperPlusLowerStar(i))
            return e;
        if (c.f & kNumber)
            return digits(i + c.len);
        // " ?[^\s\p{L}\p{N}]+[\r\n/]*"
        if (const std::size_t e = punctuation(i, c, true))
            return e;
        return whitespace(i);
    }

private:
    [[gnu::noinline]] Ch decodeMultiByte(std::size_t i) const
    {
        const std::uint8_t c = m_s[i];
        std::uint32_t cp = 0xFFFD, len = 1;
        const std::size_t rest = m_n - i;
        if (c >= 0xC2 && c < 0xE0) {
            if (rest >= 2 && (m_s[i + 1] & 0xC0) == 0x80)
                cp = (std::uint32_t(c & 0x1F) << 6) | (m_s[i + 1] & 0x3F), len = 2;
        } else if (c >= 0xE0 && c < 0xF0) {
            if (rest >= 3 && (m_s[i + 1] & 0xC0) == 0x80 && (m_s[i + 2] & 0xC0) == 0x80
                && !(c == 0xE0 && m_s[i + 1] < 0xA0) && !(c == 0xED && m_s[i + 1] >= 0xA0)) {
                cp = (std::uint32_t(c & 0x0F) << 12) | (std::uint32_t(m_s[i + 1] & 0x3F) << 6) | (m_s[i + 2] & 0x3F);
                len = 3;
            }
        } else if (c >= 0xF0 && c < 0xF5) {
            if (rest >= 4 && (m_s[i + 1] & 0xC0) == 0x80 && (m_s[i + 2] & 0xC0) == 0x80
                && (m_s[i + 3] & 0xC0) == 0x80 && !(c == 0xF0 && m_s[i + 1] < 0x90)
                && !(c == 0xF4 && m_s[i + 1] >= 0x90)) {
                cp = (std::uint32_t(c & 0x07) << 18) | (std::uint32_t(m_s[i + 1] & 0x3F) << 12)
                    | (std::uint32_t(m_s[i + 2] & 0x3F) << 6) | (m_s[i + 3] & 0x3F);
                len = 4;
            }
        }
        return {cp, len, m_cc.flags(cp)};
    }

    static bool isPunct(std::uint8_t f) { return !(f & (kLetter | kNumber | kSpace)); }

    static char fold(std::uint32_t cp)
    {
        if (cp < 0x80) {
            if (cp >= 'A' && cp <= 'Z')
                return char(cp + 32);
            return char(cp);
        }
        // Unicode simple case folding onto ASCII contraction letters (U+017F LONG S -> s).
        for (int k = 0; k < kContractionFoldCount; ++k) {
            if (kContractionFolds[k].codePoint == cp)
                return kContractionFolds[k].folded;
        }
        return 0;
    }

    /// At an apostrophe: end of 's|'t|'re|'ve|'m|'ll|'d (case-insensitive), or 0.
    std::size_t contraction(std::size_t i) const
    {
        std::size_t j = i + 1;
        if (j >= m_n)
            return 0;
        const Ch a = at(j);
        const char fa = fold(a.cp);
        if (fa == 's' || fa == 't' || fa == 'm' || fa == 'd')
            return j + a.len;
        if (fa == 'r' || fa == 'v' || fa == 'l') {
            j += a.len;
            if (j >= m_n)
                return 0;
            const Ch b = at(j);
            if (fold(b.cp) == (fa == 'l' ? 'l' : 'e'))
                return j + b.len;
        }
        return 0;
    }

    std::size_t optionalContraction(std::size_t e) const
    {
        if (e < m_n && m_s[e] == '\'') {
            if (const std::size_t c = contraction(e))
                return c;
        }
        return e;
    }

    std::size_t run(std::size_t j, std::uint8_t flag) const
    {
        while (j < m_n) {
            const Ch d = at(j);
            if (!(d.f & flag))
                break;
            j += d.len;
        }
        return j;
    }

    std::size_t digits(std::size_t j) const
    {
        for (int k = 1; k < 3 && j < m_n; ++k) {
            const Ch d = at(j);
            if (!(d.f & kNumber))
                break;
            j += d.len;
        }
        return j;
    }

    /// [A]*[B]+ with backtracking: greedy A*, then B+ either continues at the first non-A
    /// character (if it is in B) or starts at the last B character inside the A run.
    std::size_t upperStarLowerPlus(std::size_t s) const
    {
        std::size_t a = s, lastBEnd = 0;
        while (a < m_n) {
            const Ch d = at(a);
            if (!(d.f & kUpperish)) {
                if (d.f & kLowerish)
                    return optionalContraction(run(a + d.len, kLowerish));
                break;
            }
            if (d.f & kLowerish)
                lastBEnd = a + d.len;
            a += d.len;
        }
        return lastBEnd ? optionalContraction(lastBEnd) : 0;
    }

    std::size_t upperPlusLowerStar(std::size_t s) const
    {
        const std::size_t a = run(s, kUpperish);
        if (a == s)
            return 0;
        return optionalContraction(run(a, kLowerish));
    }

    std::size_t punctuation(std::size_t i, const Ch &c, bool slash) const
    {
        std::size_t j;
        if (isPunct(c.f)) {
            j = i + c.len;
        } else if (c.cp == ' ' && i + 1 < m_n) {
            const Ch d = at(i + 1);
            if (!isPunct(d.f))
                return 0;
            j = i + 1 + d.len;
        } else {
            return 0;
        }
        while (j < m_n) {
            const Ch d = at(j);
            if (!isPunct(d.f))
                break;
            j += d.len;
        }
        while (j < m_n && (m_s[j] == '\r' || m_s[j] == '\n' || (slash && m_s[j] == '/')))
            ++j;
        return j;
    }

    /// \s*[\r\n]+ | \s+(?!\S) | \s+ at a whitespace character.
    std::size_t whitespace(std::size_t i) const
    {
        std::size_t j = i, lastStart = i, lineBreakEnd = 0;
        int count = 0;
        while (j < m_n) {
            const Ch d = at(j);
            if (!(d.f & kSpace))
                break;
            if (d.cp == '\r' || d.cp == '\n')
                lineBreakEnd = j + 1;
            lastStart = j;
            j += d.len;
            ++count;
        }
        if (lineBreakEnd)
            return lineBreakEnd;   // \s* backtracks to the last line break of the run
        if (j == m_n || count < 2)
            return j;
        return lastStart;          // give back one character so the next word keeps its space
    }

    const std::uint8_t *m_s;
    std::size_t m_n;
    const CharClasses &m_cc;
};

/// Byte-pair merging of one pre-token: repeatedly merge the adjacent pair whose concatenation
/// has the lowest rank (leftmost on ties), as tiktoken does.
class BpeEngine {
public:
    BpeEngine(BpeRanks ranks, SplitPattern pattern) : m_ranks(std::move(ranks)), m_pattern(pattern) {}

    const BpeRanks &ranks() const { return m_ranks; }

    template <class Sink>
    void encode(const std::uint8_t *s, std::size_t n, Sink &&sink) const
    {
        const Splitter sp(s, n, CharClasses::instance());
        std::size_t i = 0;
        if (m_pattern == SplitPattern::O200k) {
            while (i < n) {
                const std::size_t e = sp.nextO200k(i);
                encodePiece(s + i, e - i, sink);
                i = e;
            }
        } else {
            while (i < n) {
                const std::size_t e = sp.nextCl100k(i);
                encodePiece(s + i, e - i, sink);
                i = e;
            }
        }
    }

    template <class Sink>
    void encodePiece(const std::uint8_t *p, std::size_t len, Sink &sink) const
    {
        const int whole = m_ranks.find(p, len);
        if (whole >= 0) {
            sink(whole);
            return;
        }
        if (len <= kSmallPiece)
            mergeSmall(p, len, sink);
        else
            mergeHeap(p, len, sink);
    }

private:
    static constexpr std::size_t kSmallPiece = 96;

    int rankOf(const std::uint8_t *p, std::size_t from, std::size_t to) const { return m_ranks.find(p + from, to - from); }

    /// Quadratic but allocation-free: fastest for the short pieces that make up normal text.
    template <class Sink>
    void mergeSmall(const std::uint8_t *p, std::size_t len, Sink &sink) const
    {
        std::uint32_t b[kSmallPiece + 1];   // part boundaries
        int pr[kSmallPiece];                // rank of parts k and k+1 merged, INT_MAX if none
        std::size_t m = len;                // number of parts
        for (std::size_t k = 0; k <= len; ++k)
            b[k] = std::uint32_t(k);
        for (std::size_t k = 0; k + 1 < m; ++k) {
            const int r = rankOf(p, k, k + 2);
            pr[k] = r < 0 ? INT_MAX : r;
        }
        while (m > 1) {
            int best = INT_MAX;
            std::size_t bk = 0;
            for (std::size_t k = 0; k + 1 < m; ++k) {
                if (pr[k] < best)
                    best = pr[k], bk = k;
            }
            if (best == INT_MAX)
                break;
            // Merge parts bk and bk+1: drop boundary bk+1 and pair entry bk+1.
            for (std::size_t k = bk + 1; k < m; ++k)
                b[k] = b[k + 1];
            for (std::size_t k = bk + 1; k + 1 < m - 1; ++k)
                pr[k] = pr[k + 1];
            --m;
            if (bk + 1 < m) {
                const int r = rankOf(p, b[bk], b[bk + 2]);
                pr[bk] = r < 0 ? INT_MAX : r;
            }
            if (bk > 0) {
                const int r = rankOf(p, b[bk - 1], b[bk + 1]);
                pr[bk - 1] = r < 0 ? INT_MAX : r;
            }
        }
        for (std::size_t k = 0; k < m; ++k)
            sink(rankOf(p, b[k], b[k + 1]));
    }

    /// O(n log n): linked list of parts plus a binary min-heap of pair candidates with lazy
    /// invalidation, so megabyte-long single pre-tokens are not quadratic. A candidate is
    /// (rank, start of left part, end of right part); it is still current iff the left part
    /// still starts a live part and its right neighbour still ends at `end` (parts only grow).
    template <class Sink>
    void mergeHeap(const std::uint8_t *p, std::size_t len, Sink &sink) const
    {
        struct Cand {
            std::uint64_t key;   // rank << 32 | start: lowest rank first, leftmost on ties
            std::uint32_t end;
        };
        const auto later = [](const Cand &a, const Cand &b) { return a.key > b.key; };
        // Parts are identified by their start byte; next[k] = start of the following part
        // (len at the end), dead[k] once part k has been merged into its left neighbour.
        std::vector<std::uint32_t> next(len), prev(len);
        std::vector<std::uint8_t> dead(len, 0);
        std::vector<Cand> heap;
        heap.reserve(len);
        for (std::size_t k = 0; k < len; ++k) {
            next[k] = std::uint32_t(k + 1);
            prev[k] = std::uint32_t(k) - 1;   // wraps for k = 0; never read there
        }
        for (std::size_t k = 0; k + 1 < len; ++k) {
            const int r = rankOf(p, k, k + 2);
            if (r >= 0)
                heap.push_back(Cand{(std::uint64_t(r) << 32) | k, std::uint32_t(k + 2)});
        }
        std::make_heap(heap.begin(), heap.end(), later);
        const auto push = [&](std::uint32_t l) {
            const std::uint32_t r = next[l];
            if (r >= len)
                return;
            const std::uint32_t e = next[r];
            const int rank = rankOf(p, l, e);
            if (rank >= 0) {
                heap.push_back(Cand{(std::uint64_t(rank) << 32) | l, e});
                std::push_heap(heap.begin(), heap.end(), later);
            }
        };
        while (!heap.empty()) {
            std::pop_heap(heap.begin(), heap.end(), later);
            const Cand c = heap.back();
            heap.pop_back();
            const std::uint32_t l = std::uint32_t(c.key);
            if (dead[l])
                continue;
            const std::uint32_t r = next[l];
            if (r >= len || next[r] != c.end)
                continue;   // stale: a side has merged since
            dead[r] = 1;
            next[l] = c.end;
            if (c.end < len)
                prev[c.end] = l;
            if (l > 0)
                push(prev[l]);
            push(l);
        }
        for (std::uint32_t k = 0; k < len; k = next[k])
            sink(rankOf(p, k, next[k]));
    }

    BpeRanks m_ranks;
    SplitPattern m_pattern;
};

} // namespace wb::tokenize_detail
