#include "core/tokenize/bperanks.h"

namespace wb::tokenize_detail {

namespace {

// Standard base64 alphabet with '=' padding; -1 marks any other byte.
struct Base64Table {
    signed char v[256];
    constexpr Base64Table() : v{}
    {
        for (int i = 0; i < 256; ++i)
            v[i] = -1;
        const char *a = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
        for (int i = 0; i < 64; ++i)
            v[static_cast<unsigned char>(a[i])] = static_cast<signed char>(i);
    }
};
constexpr Base64Table kB64;

/// Decodes [p, e) appending to out; false on malformed input.
bool decodeBase64(const char *p, const char *e, std::vector<std::uint8_t> &out)
{
    std::uint32_t acc = 0;
    int bits = 0;
    for (; p < e; ++p) {
        const unsigned char c = static_cast<unsigned char>(*p);
        if (c == '=')
            break;
        const int d = kB64.v[c];
        if (d < 0)
            return false;
        acc = (acc << 6) | std::uint32_t(d);
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            out.push_back(std::uint8_t(acc >> bits));
        }
    }
    return true;
}

} // namespace

Result<BpeRanks> BpeRanks::parse(const QByteArray &text)
{
    BpeRanks r;
    r.m_blob.reserve(std::size_t(text.size()) / 2);
    r.m_offsets.reserve(std::size_t(text.size()) / 12);
    for (int &b : r.m_byteRank)
        b = -1;
    const char *p = text.constData();
    const char *end = p + text.size();
    int lineNo = 0;
    while (p < end) {
        ++lineNo;
        const char *nl = static_cast<const char *>(std::memchr(p, '\n', std::size_t(end - p)));
        if (!nl)
            nl = end;
        const char *sp = static_cast<const char *>(std::memchr(p, ' ', std::size_t(nl - p)));
        if (!sp)
            return fail(QStringLiteral("rank file line %1: no space").arg(lineNo));
        std::uint64_t rank = 0;
        if (sp + 1 == nl)
            return fail(QStringLiteral("rank file line %1: no rank").arg(lineNo));
        for (const char *q = sp + 1; q < nl; ++q) {
            if (*q < '0' || *q > '9')
                return fail(QStringLiteral("rank file line %1: bad rank").arg(lineNo));
            rank = rank * 10 + std::uint64_t(*q - '0');
        }
        // The id is the rank; contiguous ranks let token bytes be found by index.
        if (rank != r.m_offsets.size())
            return fail(QStringLiteral("rank file line %1: rank %2 not contiguous").arg(lineNo).arg(rank));
        r.m_offsets.push_back(std::uint32_t(r.m_blob.size()));
        if (!decodeBase64(p, sp, r.m_blob) || r.m_blob.size() == r.m_offsets.back())
            return fail(QStringLiteral("rank file line %1: bad base64").arg(lineNo));
        const std::size_t len = r.m_blob.size() - r.m_offsets.back();
        if (len == 1)
            r.m_byteRank[r.m_blob.back()] = int(rank);
        r.m_maxTokenLen = std::max(r.m_maxTokenLen, len);
        p = nl + 1;
    }
    r.m_offsets.push_back(std::uint32_t(r.m_blob.size()));
    for (int b = 0; b < 256; ++b) {
        if (r.m_byteRank[b] < 0)
            return fail(QStringLiteral("rank file has no token for byte %1").arg(b));
    }

    const std::size_t n = r.m_offsets.size() - 1;
    std::size_t cap = 1;
    while (cap < n * 2 + 2)   // load factor <= 0.5 keeps probe chains short
        cap <<= 1;
    r.m_slots.assign(cap, Slot{});
    r.m_mask = cap - 1;
    for (std::size_t rank = 0; rank < n; ++rank) {
        const std::uint8_t *tp = r.m_blob.data() + r.m_offsets[rank];
        const std::size_t len = r.m_offsets[rank + 1] - r.m_offsets[rank];
        const std::uint64_t h = hashBytes(tp, len);
        const std::uint32_t tag = std::uint32_t(h >> 32) | 1u;
        std::size_t i = std::size_t(h) & r.m_mask;
        while (r.m_slots[i].tag != 0) {
            const Slot &s = r.m_slots[i];
            const std::uint32_t off = r.m_offsets[s.rank];
            if (s.tag == tag && r.m_offsets[s.rank + 1] - off == len
                && std::memcmp(r.m_blob.data() + off, tp, len) == 0) {
                return fail(QStringLiteral("rank file: duplicate token for ranks %1 and %2").arg(s.rank).arg(rank));
            }
            i = (i + 1) & r.m_mask;
        }
        r.m_slots[i] = Slot{tag, std::uint32_t(rank)};
    }
    return r;
}

QByteArray BpeRanks::tokenBytes(int rank) const
{
    QByteArray out;
    appendTokenBytes(rank, out);
    return out;
}

void BpeRanks::appendTokenBytes(int rank, QByteArray &out) const
{
    if (rank < 0 || rank >= size())
        return;
    const std::uint32_t off = m_offsets[std::size_t(rank)];
    out.append(reinterpret_cast<const char *>(m_blob.data()) + off,
               qsizetype(m_offsets[std::size_t(rank) + 1] - off));
}

} // namespace wb::tokenize_detail
