// libFuzzer target: the openai reply parser (status line + headers + body, see fuzzsupport.h).
#include "tests/fuzz/fuzz_reply.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    return wbfuzz::fuzzReply("openai", data, size);
}
