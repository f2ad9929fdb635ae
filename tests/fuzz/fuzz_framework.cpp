// libFuzzer target: the framework loader (dimensions, scale, prompt); a framework that loads
// must survive being written back and read again.
#include "core/config/experimentconfig.h"
#include "tests/fuzz/fuzzsupport.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    wbfuzz::quietOnce();
    const QString path = QStringLiteral(WBFUZZ_DATA_DIR "/experiment/frameworks/mft.yaml");
    auto fw = wb::parseFramework(wbfuzz::bytes(data, size), path);
    if (!fw) {
        WBFUZZ_REQUIRE(!fw.error().message.isEmpty());
        WBFUZZ_REQUIRE(fw.error().file == path);   // every error names the file
        return 0;
    }
    auto again = wb::parseFramework(wb::serializeFramework(*fw), path);
    if (!again)
        std::fprintf(stderr, "re-read failed: %s\n", qPrintable(again.error().toString()));
    WBFUZZ_REQUIRE(again.has_value());
    WBFUZZ_REQUIRE(again->dimensions.size() == fw->dimensions.size());
    return 0;
}
