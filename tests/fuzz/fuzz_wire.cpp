// libFuzzer target: the header-value and message helpers every reply parser uses (durations,
// dates, retry hints, counts, message hygiene), each fed the whole input.
#include "core/providers/wireparsing.h"
#include "tests/fuzz/fuzzsupport.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    using namespace wb::wire;
    wbfuzz::quietOnce();
    const QByteArray in = wbfuzz::bytes(data, size);
    (void)parseGoDurationMs(in);
    (void)parseRfc3339Ms(in);
    (void)parseHttpDateMs(in);
    if (const auto ms = parseRetryAfterMs(in, wbfuzz::kNowMs))
        WBFUZZ_REQUIRE(*ms >= 0);
    if (const auto n = parseCount(in))
        WBFUZZ_REQUIRE(*n >= 0);
    const QString text = QString::fromUtf8(in);
    (void)retryHintFromMessage(text);
    const QString clean = sanitizeMessage(text);
    WBFUZZ_REQUIRE(clean == clean.trimmed());
    WBFUZZ_REQUIRE(!wbfuzz::holdsKey(clean));
    WBFUZZ_REQUIRE(clean.size() <= 1001);   // capped at 1,000 characters and an ellipsis
    WBFUZZ_REQUIRE(!wbfuzz::holdsKey(bodyExcerpt(in)));
    (void)looksLikeContextTooLong(text, text);
    return 0;
}
