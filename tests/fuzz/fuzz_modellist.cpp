// libFuzzer target: the model list (litellm_config.yaml) loader. A list that loads must also
// survive being written back and read again (the editor saves what it loaded).
#include "core/config/modellist.h"
#include "tests/fuzz/fuzzsupport.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    wbfuzz::quietOnce();
    const QString path = QStringLiteral(WBFUZZ_DATA_DIR "/litellm_config.yaml");
    auto list = wb::parseModelList(wbfuzz::bytes(data, size), path);
    if (!list) {
        WBFUZZ_REQUIRE(!list.error().message.isEmpty());
        WBFUZZ_REQUIRE(list.error().file == path);   // every error names the file
        return 0;
    }
    list->path = path;
    auto again = wb::parseModelList(wb::serializeModelList(*list), path);
    if (!again)
        std::fprintf(stderr, "re-read failed: %s\n", qPrintable(again.error().toString()));
    WBFUZZ_REQUIRE(again.has_value());
    WBFUZZ_REQUIRE(again->deployments.size() == list->deployments.size());
    return 0;
}
