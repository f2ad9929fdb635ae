// libFuzzer target: the experiment loader. Paths resolve against the sample experiment's folder
// (tests/data/config/experiment), so inputs naming its corpus and frameworks load completely; an
// experiment that loads must survive being written back and read again.
#include "core/config/experimentconfig.h"
#include "tests/fuzz/fuzzsupport.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    wbfuzz::quietOnce();
    const QString path = QStringLiteral(WBFUZZ_DATA_DIR "/experiment/experiment.yaml");
    auto exp = wb::parseExperiment(wbfuzz::bytes(data, size), path);
    if (!exp) {
        WBFUZZ_REQUIRE(!exp.error().message.isEmpty());
        WBFUZZ_REQUIRE(exp.error().file == path);   // every error names the file
        return 0;
    }
    auto again = wb::parseExperiment(wb::serializeExperiment(*exp, path), path);
    if (!again)
        std::fprintf(stderr, "re-read failed: %s\n", qPrintable(again.error().toString()));
    WBFUZZ_REQUIRE(again.has_value());
    WBFUZZ_REQUIRE(again->corpus.size() == exp->corpus.size());
    WBFUZZ_REQUIRE(again->frameworks.size() == exp->frameworks.size());
    return 0;
}
