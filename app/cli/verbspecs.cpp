// What each `discernus` verb accepts. The parser and every usage and help text are generated from
// this table (app/cli/verbparser.h); the command bodies read the options by these names.
#include "app/cli/verbparser.h"

#include "app/cli/commands.h"
#include "app/cli/filteroptions.h"

namespace wb {

namespace {

CliOption config(bool required)
{
    return {{QStringLiteral("config")}, QStringLiteral("C"), QStringLiteral("the model list (litellm_config.yaml)"), required};
}

CliOption prices()
{
    return {{QStringLiteral("prices")}, QStringLiteral("LITELLM_JSON"),
            QStringLiteral("merge LiteLLM's model_prices_and_context_window.json over the built-in prices")};
}

QList<VerbSpec> makeSpecs()
{
    const CliOption experiment{{QStringLiteral("experiment")}, QStringLiteral("E"), QStringLiteral("the experiment (experiment.yaml)"), true};
    const CliOption json{{QStringLiteral("json")}, {}, QStringLiteral("print the result as JSON on stdout")};
    return {
        {QStringLiteral("estimate"),
         &cmdEstimate,
         QStringLiteral("pre-flight report: tokens, cost and duration of an experiment, before anything is spent"),
         {},
         0,
         {config(true), experiment,
          {{QStringLiteral("db")}, QStringLiteral("D"),
           QStringLiteral("use the calibration, output lengths and spend recorded in an earlier run's database")},
          prices(),
          {{QStringLiteral("count-tokens")}, QStringLiteral("N"),
           QStringLiteral("count N prompts per run (default 8) exactly with the provider's count-tokens\n"
                          "endpoint (Anthropic, Gemini; needs their keys) and calibrate the estimate on them"),
           false, true},
          json,
          {{QStringLiteral("no-recommendations")}, {}, QStringLiteral("leave out the suggested changes to limits and settings")}},
         {}},
        {QStringLiteral("preview-prompt"),
         &cmdPreviewPrompt,
         QStringLiteral("show exactly what a run sends for one text: system and user parts, tokens, price"),
         {},
         0,
         {config(true), experiment,
          {{QStringLiteral("text")}, QStringLiteral("ID"), QStringLiteral("the text: its id, or CORPUS/ID when several corpora have it"), true},
          {{QStringLiteral("framework")}, QStringLiteral("F"), QStringLiteral("the framework (default: of the first run over the text's corpus)")},
          {{QStringLiteral("model")}, QStringLiteral("M"), QStringLiteral("the model group (default: of the first run over the text's corpus)")},
          prices(),
          json},
         QStringLiteral("Built by the runner's own prompt builder, counted and priced for the group's first\n"
                        "deployment as the estimate does; the workbench's \"Preview prompt\" shows the same.")},
        {QStringLiteral("run"),
         &cmdRun,
         QStringLiteral("run an experiment: every job through the router into the results database"),
         {},
         0,
         {config(true), experiment,
          {{QStringLiteral("db")}, QStringLiteral("D"),
           QStringLiteral("the results database: a SQLite file (created when missing), or the shared\n"
                          "run store postgresql://user@host:port/dbname (password in PGPASSWORD)"),
           true},
          {{QStringLiteral("resume")}, {}, QStringLiteral("continue the runs the database already holds: jobs not done yet\n(pending, interrupted or failed) are run again")},
          {{QStringLiteral("max-budget")}, QStringLiteral("USD"), QStringLiteral("stop once this many US dollars are spent (overrides cost_controls.max_budget)")},
          prices(),
          {{QStringLiteral("json")}, {}, QStringLiteral("print the run summary as one JSON line on stdout")},
          {{QStringLiteral("quiet")}, {}, QStringLiteral("no progress, events or summary on stderr")}},
         QStringLiteral("SIGINT/SIGTERM stops sending and finishes the calls in flight (exit 130); a second one aborts them.\n"
                        "Unfinished jobs stay pending for --resume. A storage failure exits 4 (docs/FORMATS.md).")},
        {QStringLiteral("worker"),
         &cmdWorker,
         QStringLiteral("join a run in the PostgreSQL run store: claim jobs, call, store, until none is left"),
         {},
         0,
         {config(true), experiment,
          {{QStringLiteral("db")}, QStringLiteral("URL"),
           QStringLiteral("the run store: postgresql://user@host:port/dbname (password in PGPASSWORD)"), true},
          {{QStringLiteral("resume")}, {}, QStringLiteral("also retry the jobs that failed")},
          {{QStringLiteral("lease")}, QStringLiteral("SECONDS"),
           QStringLiteral("a claimed job stays this worker's this long without a heartbeat (default 30);\n"
                          "when the worker dies its jobs go to the others after it")},
          {{QStringLiteral("window")}, QStringLiteral("N"), QStringLiteral("jobs claimed and unfinished at most (default 64)")},
          {{QStringLiteral("max-budget")}, QStringLiteral("USD"), QStringLiteral("stop once this many US dollars are spent (overrides cost_controls.max_budget)")},
          prices(),
          {{QStringLiteral("json")}, {}, QStringLiteral("print this worker's summary as one JSON line on stdout")},
          {{QStringLiteral("quiet")}, {}, QStringLiteral("no progress, events or summary on stderr")}},
         QStringLiteral("Any number of workers, on any machines, share a run: `discernus run --db postgresql://…`\n"
                        "plans it and works as one of them. SIGINT/SIGTERM finishes this worker's calls in flight\n"
                        "and gives its other jobs back at once (exit 130). docs/FORMATS.md, \"PostgreSQL run store\".")},
        {QStringLiteral("status"),
         &cmdStatus,
         QStringLiteral("progress, spend, workers and provider batches of a results database or run store"),
         {},
         0,
         {{{QStringLiteral("db")}, QStringLiteral("D"), QStringLiteral("a SQLite results database or postgresql://user@host:port/dbname"), true},
          {{QStringLiteral("all")}, {}, QStringLiteral("the provider batches of every experiment in the database, not only the current one's")},
          {{QStringLiteral("experiment")}, QStringLiteral("NAME"), QStringLiteral("list the batches of this experiment (default: the one of the newest batch)")},
          json},
         QStringLiteral("Workers (PostgreSQL only) are listed with their last heartbeat, measured on the server's clock;\n"
                        "the current experiment's provider batches with provider, requests, state, counts and age\n"
                        "(collected ones marked *).")},
        {QStringLiteral("export"),
         &cmdExport,
         QStringLiteral("write the results of a database as CSV"),
         {},
         0,
         QList<CliOption>{{{QStringLiteral("db")}, QStringLiteral("D"), QStringLiteral("the results database: a SQLite file or postgresql://user@host:port/dbname"), true}}
             + resultFilterOptions(true)
             + QList<CliOption>{
          {{QStringLiteral("long")}, {}, QStringLiteral("one row per job and dimension instead of one row per job;\nthe job's tokens, cost, latency and attempts on its first row only")},
          {{QStringLiteral("evidence")}, {}, QStringLiteral("wide format: an evidence column after each score column")},
          {{QStringLiteral("raw-cells")}, {}, QStringLiteral("write text cells exactly as stored; by default a text cell that\nbegins with = + - @, tab or CR gets a leading ' so spreadsheets\ndo not run it as a formula")},
          {{QStringLiteral("o"), QStringLiteral("output")}, QStringLiteral("FILE"), QStringLiteral("the CSV file to write"), true}},
         QStringLiteral("The filters are the Results page's. FILE.columns.txt says what each column means;\n"
                        "the columns are described in docs/FORMATS.md.")},
        {QStringLiteral("stats"),
         &cmdStats,
         QStringLiteral("agreement statistics: Krippendorff's alpha across models and repetitions, correlations"),
         {},
         0,
         QList<CliOption>{{{QStringLiteral("db")}, QStringLiteral("D"), QStringLiteral("the results database: a SQLite file or postgresql://user@host:port/dbname"), true}}
             + resultFilterOptions(false)
             + QList<CliOption>{
          {{QStringLiteral("draws")}, QStringLiteral("N"), QStringLiteral("bootstrap samples for the 95 % intervals (default 1000; 0 = none)")},
          {{QStringLiteral("seed")}, QStringLiteral("S"), QStringLiteral("seed of the bootstrap (default 20110101): same seed, same intervals")},
          {{QStringLiteral("recompute")}, {}, QStringLiteral("compute even when the statistics stored with the results are current")},
          json,
          {{QStringLiteral("o"), QStringLiteral("output")}, QStringLiteral("FILE"), QStringLiteral("write the statistics as CSV (and FILE.columns.txt)")}},
         QStringLiteral("Finished jobs only. Across models a model's score of a text is the mean of its\n"
                        "repetitions; see docs/FORMATS.md, \"Agreement statistics\". The statistics are stored\n"
                        "with the results and reused while no result is written (\"Stored statistics\").")},
        {QStringLiteral("cancel-batches"),
         &cmdCancelBatches,
         QStringLiteral("cancel every provider batch of a results database that is still open"),
         {},
         0,
         {config(true), {{QStringLiteral("db")}, QStringLiteral("D"), QStringLiteral("the results database"), true}},
         QStringLiteral("What the batches finished is collected by the next `discernus run --resume`; the rest goes back to pending.")},
        {QStringLiteral("bundle"),
         &cmdBundle,
         QStringLiteral("pack a run for others to check: configuration, corpus, prompts, prices, calls, database"),
         {},
         0,
         {{{QStringLiteral("db")}, QStringLiteral("D"), QStringLiteral("the results database: a SQLite file or postgresql://user@host:port/dbname"), true},
          config(true), experiment, prices(),
          {{QStringLiteral("o"), QStringLiteral("output")}, QStringLiteral("FILE"), QStringLiteral("the bundle to write (.tar.gz)"), true}},
         QStringLiteral("Literal API keys are replaced by a placeholder (with a warning); os.environ/ and\n"
                        "keychain/ references are kept. Contents: docs/FORMATS.md, \"Reproducibility bundle\".")},
        {QStringLiteral("verify-bundle"),
         &cmdVerifyBundle,
         QStringLiteral("recheck every SHA-256 of a bundle against its manifest"),
         QStringLiteral("BUNDLE"),
         1,
         {json},
         QStringLiteral("Exit 0 when every file matches, 1 naming the first file that does not.")},
        {QStringLiteral("tokens"),
         &cmdTokens,
         QStringLiteral("count the tokens of text files"),
         QStringLiteral("FILE..."),
         -1,
         {{{QStringLiteral("encoding")}, QStringLiteral("ENC"), QStringLiteral("count with a tiktoken encoding: o200k_base or cl100k_base")},
          {{QStringLiteral("model")}, QStringLiteral("M"),
           QStringLiteral("count as model M would (PROVIDER/MODEL, a model id, or with --config a model group)")},
          {{QStringLiteral("config")}, QStringLiteral("C"),
           QStringLiteral("with --model: count exactly with the count-tokens endpoint (Anthropic, Gemini)\n"
                          "of a deployment of that model in model list C, with its key; otherwise estimate")}},
         QStringLiteral("Give exactly one of --encoding and --model.")},
        {QStringLiteral("keys"),
         &cmdKeys,
         QStringLiteral("API keys in the OS keychain: set, get, delete, list"),
         QStringLiteral("set|get|delete|list [NAME]"),
         -1,
         {{{QStringLiteral("value")}, QStringLiteral("V"), QStringLiteral("set: the key (without it the key is read from stdin)")},
          {{QStringLiteral("reveal")}, {}, QStringLiteral("get: print the key itself instead of a masked form")}},
         QStringLiteral("Refer to a stored key in litellm_config.yaml as api_key: keychain/NAME.")},
        {QStringLiteral("models"),
         &cmdModels,
         QStringLiteral("the model list's groups, deployments, limits and prices"),
         {},
         0,
         {config(true), prices(), {{QStringLiteral("json")}, {}, QStringLiteral("print it as JSON (prices per 1M tokens)")}},
         QStringLiteral("Each deployment shows the price it is billed at and where that comes from (config, LiteLLM price map, "
                        "built-in, family fallback, unknown), and the key a run will read.")},
        {QStringLiteral("test-connections"),
         &cmdTestConnections,
         QStringLiteral("send one tiny request to every deployment of a model list"),
         {},
         0,
         {config(true), {{QStringLiteral("timeout")}, QStringLiteral("SECONDS"), QStringLiteral("give up on a deployment after this long (default 30)")}},
         QStringLiteral("Exit 0 when every deployment answered, 1 otherwise.")},
        {QStringLiteral("simulate"),
         &cmdSimulate,
         QStringLiteral("run the local provider simulator (OpenAI, Anthropic, Gemini, Mistral dialects) until interrupted"),
         {},
         0,
         {{{QStringLiteral("port")}, QStringLiteral("P"), QStringLiteral("the port to listen on (0 picks a free port)"), true},
          {{QStringLiteral("host")}, QStringLiteral("HOST"), QStringLiteral("the loopback address to listen on (default 127.0.0.1)")},
          {{QStringLiteral("limits")}, QStringLiteral("FILE"), QStringLiteral("the simulator's limits, latency and faults (YAML)")},
          {{QStringLiteral("seed")}, QStringLiteral("N"), QStringLiteral("seed of the simulated replies and faults")}},
         QStringLiteral("Prints \"listening on http://HOST:PORT\" on stderr once it listens; SIGINT/SIGTERM stops it.")},
    };
}

} // namespace

const QList<VerbSpec> &verbSpecs()
{
    static const QList<VerbSpec> specs = makeSpecs();
    return specs;
}

} // namespace wb
