<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="en_US">
<context>
    <name>wb::ui::ConnectionTester</name>
    <message>
        <location filename="../ui/connectiontester.cpp" line="+130" />
        <source>No answer within %1 s</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+2" />
        <source>OK — %1 answered in %2 ms</source>
        <translation type="unfinished" />
    </message>
</context>
<context>
    <name>wb::ui::CorpusModel</name>
    <message>
        <location filename="../ui/corpusmodel.cpp" line="+53" />
        <source>Folder</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+1" />
        <source>CSV</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+1" />
        <source>JSONL</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+1" />
        <source>Text file</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+95" />
        <source>counting…</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+2" />
        <source>error</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+11" />
        <source>o200k_base tokens of the texts alone (prompts add instructions and framing)</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+13" />
        <source>Id</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+1" />
        <source>Kind</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+1" />
        <source>Path</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+1" />
        <source>Texts</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+1" />
        <source>Tokens</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+27" />
        <source>Rename corpus source to %1</source>
        <translation type="unfinished" />
    </message>
</context>
<context>
    <name>wb::ui::DeploymentTableModel</name>
    <message>
        <location filename="../ui/deploymenttablemodel.cpp" line="+117" />
        <source>The model group (model_name) is required</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+4" />
        <source>Unknown provider "%1"; use one of %2</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+4" />
        <source>The provider's model id is required</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+4" />
        <source>No key reference: use os.environ/NAME or keychain/NAME</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+3" />
        <source>A literal key is stored in the file; prefer os.environ/NAME or keychain/NAME</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+2" />
        <source>The key reference needs a name after the slash</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+6" />
        <source>Not a valid http(s) URL</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+2" />
        <source>Plain http is only allowed for loopback hosts (set model_info.allow_insecure_http to opt in)</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+9" />
        <source>A limit must be positive (leave empty for none)</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+2" />
        <source>Input/output token limits apply to Anthropic deployments</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+5" />
        <source>The weight must be greater than zero</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+15" />
        <source>Row %1, %2: %3</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+22" />
        <source>(provider default)</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+23" />
        <source>USD per million tokens; empty = the price table's</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+21" />
        <source>Anthropic input tokens per minute</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+1" />
        <source>Anthropic output tokens per minute</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+1" />
        <source>Deployments whose keys share one provider quota share one rate-limit window</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+1" />
        <source>Relative share of traffic (simple-shuffle)</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+7" />
        <source>Model group</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+1" />
        <source>Provider</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+1" />
        <source>Model id</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+1" />
        <source>Key reference</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+1" />
        <source>API base</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+1" />
        <source>RPM</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+1" />
        <source>TPM</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+1" />
        <source>ITPM</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+1" />
        <source>OTPM</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+1" />
        <source>Weight</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+1" />
        <source>Input $/M</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+1" />
        <source>Output $/M</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+1" />
        <source>Rate-limit pool</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+58" />
        <source>Edit %1 of %2</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+32" />
        <source>Add deployment to %1</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+18" />
        <source>Duplicate deployment of %1</source>
        <translation type="unfinished" />
    </message>
    <message numerus="yes">
        <location line="+25" />
        <source>Remove %n deployment(s)</source>
        <translation><numerusform>Remove %n deployment</numerusform><numerusform>Remove %n deployments</numerusform></translation>
    </message>
</context>
<context>
    <name>wb::ui::EstimateView</name>
    <message>
        <location filename="../ui/estimateview.cpp" line="+105" />
        <source>cancelled</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+44" />
        <source>Total</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+5" />
        <source>Per run</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+2" />
        <source>Per deployment (utilisation of its limits)</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+2" />
        <source>Recommendations</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+35" />
        <source>Updating the estimate…</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+16" />
        <source>Computing the estimate…</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+24" />
        <source>No estimate: %1</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+1" />
        <source>&lt;i&gt;The estimate is not available.&lt;/i&gt;</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+9" />
        <source>&lt;b&gt;%1&lt;/b&gt; texts · &lt;b&gt;%2&lt;/b&gt; calls · &lt;b&gt;%3&lt;/b&gt; prompt tokens · &lt;b&gt;%4&lt;/b&gt; output tokens expected (%5 worst case)&lt;br&gt;&lt;b&gt;Cost&lt;/b&gt; %6 expected, %7 worst case · &lt;b&gt;Duration&lt;/b&gt; %8</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+7" />
        <source>&lt;br&gt;Without batching: %1 calls, %2 prompt tokens, %3, %4</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+5" />
        <source>Binding constraint: %1</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+5" />
        <source>Run</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+0" />
        <source>Model group</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+0" />
        <source>Texts</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+0" />
        <location line="+9" />
        <source>Calls</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="-9" />
        <source>Prompt tokens</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+1" />
        <source>Output tokens</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+0" />
        <location line="+9" />
        <source>Cost</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="-9" />
        <source>Worst case</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+0" />
        <source>Finishes after</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+0" />
        <source>Tokens counted</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+3" />
        <source>price unknown</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+5" />
        <source>Deployment</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+0" />
        <source>RPM</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+0" />
        <source>TPM</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+0" />
        <source>ITPM</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+0" />
        <source>OTPM</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+1" />
        <source>Parallel</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+0" />
        <source>Waited</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+7" />
        <source>&lt;b&gt;%1&lt;/b&gt; — %2 (duration %3 → %4, cost %5 → %6)</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+3" />
        <source>None — the configuration looks balanced.</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+1" />
        <source>Prices as of %1. Estimated %2.</source>
        <translation type="unfinished" />
    </message>
</context>
<context>
    <name>wb::ui::ExperimentEditor</name>
    <message>
        <location filename="../ui/experimenteditor.cpp" line="+82" />
        <source>Experiment name</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+1" />
        <location line="+171" />
        <source>Description</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="-161" />
        <source>Add folder…</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+1" />
        <source>Add CSV/JSONL…</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+1" />
        <location line="+22" />
        <location line="+21" />
        <source>Remove</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="-39" />
        <source>Corpus</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+17" />
        <source>Add framework…</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+4" />
        <source>Frameworks</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+17" />
        <source>Add run</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+4" />
        <source>Matrix — one run per model group × framework × corpus</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+19" />
        <source>Several texts per call</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+6" />
        <source>Execution</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+2" />
        <source>Temperature</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+1" />
        <source>Max output tokens</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+1" />
        <source>Repetitions</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+1" />
        <source>Re-asks on invalid JSON</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+1" />
        <source>Batching</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+1" />
        <source>Max tokens per batch</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+1" />
        <source>Max texts per batch</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+80" />
        <source>Framework / dimension</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+0" />
        <source>Range</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+2" />
        <location line="+5" />
        <source>%1 (%2)</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="-3" />
        <source>v%1</source>
        <translation type="unfinished" />
    </message>
    <message numerus="yes">
        <location line="+1" />
        <source>%n dimension(s)</source>
        <translation><numerusform>%n dimension</numerusform><numerusform>%n dimensions</numerusform></translation>
    </message>
    <message>
        <location line="+30" />
        <source>Counting tokens…</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+3" />
        <source>%1 texts, %2 tokens</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+22" />
        <source>Rename experiment</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+0" />
        <source>Change execution settings</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+5" />
        <source>Folder of .txt files</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+7" />
        <source>Corpus file</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+1" />
        <source>Corpus files (*.csv *.jsonl *.txt)</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+25" />
        <source>Add corpus source %1</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+10" />
        <source>Remove corpus source</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+5" />
        <source>Framework file</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+1" />
        <source>Framework (*.yaml *.yml)</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+4" />
        <source>Cannot add framework</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+17" />
        <source>Remove framework</source>
        <translation type="unfinished" />
    </message>
</context>
<context>
    <name>wb::ui::GaugeModel</name>
    <message>
        <location filename="../ui/gaugemodel.cpp" line="+115" />
        <source>cooling down</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+0" />
        <source>cooling down (%1 s)</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+1" />
        <source>busy</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+0" />
        <source>idle</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+12" />
        <source>Window: %1
Mean latency: %2 ms</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+10" />
        <source>Requests in the last 60 s against the requests-per-minute limit</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+1" />
        <source>Tokens in the last 60 s against the tokens-per-minute limit</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+1" />
        <source>Input tokens per minute (Anthropic)</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+1" />
        <source>Output tokens per minute (Anthropic)</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+7" />
        <source>Provider</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+0" />
        <source>Deployment</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+1" />
        <source>Model groups</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+0" />
        <source>Model group</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+1" />
        <source>RPM</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+1" />
        <source>TPM</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+1" />
        <source>ITPM</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+1" />
        <source>OTPM</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+1" />
        <source>In flight</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+1" />
        <source>Calls</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+1" />
        <source>429s</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+1" />
        <source>Retries</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+1" />
        <source>Spend</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+1" />
        <source>State</source>
        <translation type="unfinished" />
    </message>
</context>
<context>
    <name>wb::ui::KeysModel</name>
    <message>
        <location filename="../ui/keysmodel.cpp" line="+33" />
        <source>environment</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+1" />
        <source>keychain</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+1" />
        <source>in the file</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+1" />
        <source>environment (provider default)</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+8" />
        <source>checking…</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+1" />
        <source>set</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+1" />
        <source>missing</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+1" />
        <source>error</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+26" />
        <location line="+27" />
        <source>(literal key)</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="-27" />
        <source>(local server key)</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+28" />
        <source>A literal key is stored in the model list; move it to the keychain</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+67" />
        <source>Use "Set key…" to store it in the keychain</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+1" />
        <source>Set the environment variable %1 before starting the workbench, or store the key in the keychain</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+21" />
        <source>Key reference</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+1" />
        <source>Where</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+1" />
        <source>Status</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+1" />
        <source>Value</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+1" />
        <source>Used by</source>
        <translation type="unfinished" />
    </message>
</context>
<context>
    <name>wb::ui::KeysView</name>
    <message>
        <location filename="../ui/keysview.cpp" line="+39" />
        <source>Set / replace key…</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+1" />
        <location line="+182" />
        <source>Clear key</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="-181" />
        <source>Refresh</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+5" />
        <source>Keys are stored in the system keychain and never written to project files, logs or results. Only the last characters of a key are ever shown.</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+3" />
        <source>API keys</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+17" />
        <source>Test connection</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+1" />
        <source>Test all</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+7" />
        <source>Connections</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+72" />
        <source>Cannot store key</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+5" />
        <source>Cannot clear key</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+26" />
        <source>Deployment</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+0" />
        <source>Endpoint</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+0" />
        <source>Result</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+3" />
        <source>not tested</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+20" />
        <source>Set key</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+1" />
        <source>This reference reads the environment variable %1. Set it before starting the workbench, or change the deployment's key reference to keychain/NAME to keep the key in the keychain.</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+6" />
        <source>Set key %1</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+1" />
        <source>API key for %1 (stored in the system keychain):</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+14" />
        <source>Remove the key %1 from the keychain?</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+16" />
        <location line="+9" />
        <source>testing…</source>
        <translation type="unfinished" />
    </message>
</context>
<context>
    <name>wb::ui::MainWindow</name>
    <message>
        <location filename="../ui/mainwindow.cpp" line="+67" />
        <source>Models</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+1" />
        <source>Keys</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+1" />
        <source>Experiment</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+1" />
        <source>Estimate</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+1" />
        <source>Run</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+1" />
        <source>Results</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+13" />
        <source>SIMULATED — results are not from real models. This model list points at the built-in provider simulator.</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+39" />
        <source>Save before running?</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+1" />
        <source>The run uses the saved files. Save your changes now?</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+21" />
        <source>&amp;File</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+1" />
        <source>&amp;Open…</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+2" />
        <source>Open &amp;Sample</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+4" />
        <source>Open &amp;Recent</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+2" />
        <source>&amp;Save</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+2" />
        <source>Save &amp;As…</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+3" />
        <source>&amp;Quit</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+3" />
        <source>&amp;Edit</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+1" />
        <source>&amp;Undo</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+2" />
        <source>&amp;Redo</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+5" />
        <source>&amp;Run</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+1" />
        <source>&amp;Start</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+5" />
        <source>&amp;Pause / Resume</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+1" />
        <source>&amp;Cancel</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+2" />
        <source>&amp;View</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+6" />
        <source>&amp;Help</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+1" />
        <source>&amp;About Discernus Workbench</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+1" />
        <source>About Discernus Workbench</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+1" />
        <source>&lt;h3&gt;Discernus Workbench %1&lt;/h3&gt;&lt;p&gt;Run multi-LLM text-analysis experiments through a rate-limit-aware router, and browse and export the results.&lt;/p&gt;</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+24" />
        <source>Discernus Workbench</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+1" />
        <source>No project open</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+3" />
        <source>%1[*] — Discernus Workbench</source>
        <translation type="unfinished" />
    </message>
    <message numerus="yes">
        <location line="+3" />
        <source>%1  ·  %n deployment(s)</source>
        <translation><numerusform>%1  ·  %n deployment</numerusform><numerusform>%1  ·  %n deployments</numerusform></translation>
    </message>
    <message numerus="yes">
        <location line="+2" />
        <source>, %n run(s)</source>
        <translation><numerusform>, %n run</numerusform><numerusform>, %n runs</numerusform></translation>
    </message>
    <message>
        <location line="+1" />
        <source>  ·  simulated</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+8" />
        <source>Cannot open project</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+1" />
        <source>Cannot open %1: %2</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+24" />
        <source>No sample</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+0" />
        <source>The bundled sample project was not found.</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+19" />
        <source>Open experiment</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+1" />
        <source>Experiment (experiment.yaml *.yaml *.yml)</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+11" />
        <location line="+21" />
        <source>Cannot save</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="-14" />
        <location line="+20" />
        <source>Saved; comments from the original file were kept in %1</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="-18" />
        <source>Saved</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+7" />
        <source>Save project into folder</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+20" />
        <source>Unsaved changes</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+1" />
        <source>The project "%1" has unsaved changes.</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+3" />
        <source>Save them before continuing?</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+13" />
        <location line="+17" />
        <source>A run is in progress</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="-16" />
        <source>Opening another project cancels the run. It can be resumed later. Continue?</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+17" />
        <source>Cancel the run and quit? It can be resumed later.</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+21" />
        <source>Run finished: %1 done, %2 failed</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+2" />
        <source>Run could not start: %1</source>
        <translation type="unfinished" />
    </message>
</context>
<context>
    <name>wb::ui::MatrixModel</name>
    <message>
        <location filename="../ui/matrixmodel.cpp" line="+45" />
        <source>A run id is required</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+5" />
        <source>Run ids must be unique</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+5" />
        <source>No model group "%1" in the model list</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+4" />
        <source>No framework "%1" in the experiment</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+4" />
        <source>No corpus source "%1" in the experiment</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+25" />
        <source>%1 (default)</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+18" />
        <source>Globs on text ids, comma separated; empty = every text</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+17" />
        <source>Run id</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+1" />
        <source>Model group</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+1" />
        <source>Framework</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+1" />
        <source>Corpus</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+1" />
        <source>Include</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+1" />
        <source>Limit</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+1" />
        <source>Repetitions</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+55" />
        <source>Edit run %1</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+21" />
        <source>Add run %1</source>
        <translation type="unfinished" />
    </message>
    <message numerus="yes">
        <location line="+19" />
        <source>Remove %n run(s)</source>
        <translation><numerusform>Remove %n run</numerusform><numerusform>Remove %n runs</numerusform></translation>
    </message>
</context>
<context>
    <name>wb::ui::ModelListEditor</name>
    <message>
        <location filename="../ui/modellisteditor.cpp" line="+108" />
        <source>Add deployment</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+1" />
        <source>Add model group…</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+1" />
        <source>Duplicate</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+1" />
        <source>Remove</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+1" />
        <source>Add a deployment to the selected model group (e.g. a second API key)</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+25" />
        <location line="+5" />
        <source> s</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+2" />
        <source>group: fallback1, fallback2; other-group: fallback</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+1" />
        <source>Limit spend to</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+7" />
        <source>lifetime</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+4" />
        <source>Router</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+2" />
        <source>Routing strategy</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+1" />
        <source>Retries</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+1" />
        <source>Timeout per call</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+1" />
        <source>Allowed fails per minute</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+1" />
        <source>Cooldown</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+1" />
        <source>Fallbacks</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+1" />
        <source>Budget</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+6" />
        <source>Period</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+7" />
        <source>&lt;b&gt;Deployments&lt;/b&gt; — each row is one API endpoint and key; rows with the same model group share its traffic.</source>
        <translation type="unfinished" />
    </message>
    <message numerus="yes">
        <location line="+68" />
        <source>%n problem(s):</source>
        <translation><numerusform>%n problem:</numerusform><numerusform>%n problems:</numerusform></translation>
    </message>
    <message numerus="yes">
        <location line="+2" />
        <source> (and %n more — hover the highlighted cells)</source>
        <translation><numerusform> (and %n more — hover the highlighted cells)</numerusform><numerusform> (and %n more — hover the highlighted cells)</numerusform></translation>
    </message>
    <message>
        <location line="+26" />
        <source>Change router settings</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+25" />
        <source>Add model group</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+1" />
        <source>Name experiments use for this model (model_name):</source>
        <translation type="unfinished" />
    </message>
</context>
<context>
    <name>wb::ui::Project</name>
    <message>
        <location filename="../ui/project.cpp" line="+107" />
        <source>No model list (litellm_config.yaml) next to the experiment</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+52" />
        <source>Cannot keep a copy of the original file with its comments</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+9" />
        <source>No project is open</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+18" />
        <source>Cannot create the folder</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+48" />
        <source>A framework with id "%1" is already part of the experiment</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+4" />
        <source>Add framework %1</source>
        <translation type="unfinished" />
    </message>
</context>
<context>
    <name>wb::ui::ResultsModel</name>
    <message>
        <location filename="../ui/resultsmodel.cpp" line="+15" />
        <source>pending</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+1" />
        <source>in flight</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+1" />
        <source>done</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+1" />
        <source>failed</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+41" />
        <location line="+21" />
        <source>The results database cannot be opened</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+70" />
        <source>%1 ms</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+26" />
        <source>Job</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+1" />
        <source>Run</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+1" />
        <source>Model group</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+1" />
        <source>Framework</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+1" />
        <source>Text</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+1" />
        <source>Rep.</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+1" />
        <source>Status</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+1" />
        <source>Scores</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+1" />
        <source>Deployment</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+1" />
        <source>Provider</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+1" />
        <source>Model version</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+1" />
        <source>Prompt tokens</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+1" />
        <source>Completion tokens</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+1" />
        <source>Cost</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+1" />
        <source>Latency</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+1" />
        <source>Attempts</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+1" />
        <source>Error</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+1" />
        <source>Completed</source>
        <translation type="unfinished" />
    </message>
</context>
<context>
    <name>wb::ui::ResultsView</name>
    <message>
        <location filename="../ui/resultsview.cpp" line="+59" />
        <source>any status</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+1" />
        <source>done</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+1" />
        <source>failed</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+1" />
        <source>pending</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+1" />
        <source>in flight</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+3" />
        <source>Text id contains…</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+6" />
        <source>Refresh</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+1" />
        <source>Long format</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+1" />
        <source>One row per job and dimension, with the evidence</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+1" />
        <source>Export CSV…</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+2" />
        <source>Exports every result in the database, not only the rows the filters show</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+1" />
        <source>Open database…</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+4" />
        <source>Run</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+2" />
        <source>Model</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+31" />
        <source>Select a result to see its scores, calls and raw response.</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+3" />
        <source>Mean score per dimension</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+35" />
        <source>counting…</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+0" />
        <source>%1 results</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+4" />
        <source>Error: %1</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+21" />
        <source>No results yet — run the experiment first</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+14" />
        <source>Open results database</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+1" />
        <source>Results databases (*.sqlite *.db);;All files (*)</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+37" />
        <source>all runs</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+1" />
        <source>all models</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+78" />
        <source>The results database cannot be opened</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+18" />
        <source>repetition %1</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+1" />
        <source>&lt;b&gt;Status:&lt;/b&gt; %1 &amp;nbsp; &lt;b&gt;Model:&lt;/b&gt; %2 (%3, %4) &amp;nbsp; &lt;b&gt;Attempts:&lt;/b&gt; %5</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+5" />
        <source>&lt;b&gt;Error:&lt;/b&gt; %1</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+3" />
        <source>Dimension</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+0" />
        <source>Score</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+0" />
        <source>Evidence</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+7" />
        <source>Calls</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+3" />
        <source>%1 · HTTP %2 · %3 + %4 tokens · $%5 · %6 ms%7</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+10" />
        <source>Raw response (attempt %1)</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+9" />
        <location line="+15" />
        <source>Export CSV</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="-15" />
        <location line="+26" />
        <source>There are no results to export yet.</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="-23" />
        <source>Export results</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+2" />
        <source>CSV (*.csv)</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+10" />
        <source>The export failed: %1</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+20" />
        <source>Cancel</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+0" />
        <source>Exporting all results of the database (filters do not apply) to %1…</source>
        <translation type="unfinished" />
    </message>
    <message numerus="yes">
        <location line="+29" />
        <source>Exported %n row(s) to %1</source>
        <translation><numerusform>Exported %n row to %1</numerusform><numerusform>Exported %n rows to %1</numerusform></translation>
    </message>
</context>
<context>
    <name>wb::ui::RunMonitor</name>
    <message>
        <location filename="../ui/runmonitor.cpp" line="+63" />
        <source>SIMULATED — results are not from real models</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+7" />
        <source>Browse…</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+2" />
        <source>Results database</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+1" />
        <source>SQLite database (*.sqlite *.db)</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+5" />
        <source>Resume (only jobs not done yet)</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+1" />
        <source>Start</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+1" />
        <location line="+191" />
        <source>Pause</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="-190" />
        <source>Cancel</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+9" />
        <source>Database</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+11" />
        <source>%v / %m jobs (%p%)</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+13" />
        <source>Providers</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+8" />
        <source>Deployments</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+8" />
        <source>Spend vs budget</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+4" />
        <source>Spend (USD)</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+2" />
        <source>Budget</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+8" />
        <source>Elapsed (s)</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+3" />
        <source>USD</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+19" />
        <source>Events</source>
        <translation type="unfinished" />
    </message>
    <message numerus="yes">
        <location line="+31" />
        <source>Run started: %n job(s)</source>
        <translation><numerusform>Run started: %n job</numerusform><numerusform>Run started: %n jobs</numerusform></translation>
    </message>
    <message>
        <location line="+3" />
        <source>Budget warning: %1 % of the budget is spent</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+53" />
        <source>unknown</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+3" />
        <source>%1 s</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+2" />
        <source>%1 min %2 s</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+1" />
        <source>%1 h %2 min</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+12" />
        <location line="+40" />
        <source>Resume</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="-5" />
        <source>Results database exists</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+1" />
        <source>%1 already holds results of an earlier run.

Resume runs only the jobs that are not done yet; a new database starts from scratch.</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+5" />
        <source>Use a new database</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+42" />
        <source>Starting %1 → %2</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+13" />
        <source>Paused: no new calls are sent; calls in flight finish</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+10" />
        <source>Resumed</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+8" />
        <source>Cancelling… (the run can be resumed later)</source>
        <translation type="unfinished" />
    </message>
    <message numerus="yes">
        <location line="+20" />
        <source>… %n more event(s) not shown</source>
        <translation><numerusform>… %n more event not shown</numerusform><numerusform>… %n more events not shown</numerusform></translation>
    </message>
    <message>
        <location line="+19" />
        <source>paused</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+2" />
        <location line="+2" />
        <source>ETA %1</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+1" />
        <source>Elapsed %1 · %2</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+13" />
        <source>&lt;b&gt;Done&lt;/b&gt; %1 &amp;nbsp; &lt;b&gt;Failed&lt;/b&gt; %2 &amp;nbsp; &lt;b&gt;Queued&lt;/b&gt; %3 &amp;nbsp; &lt;b&gt;In flight&lt;/b&gt; %4 &amp;nbsp; &lt;b&gt;Calls&lt;/b&gt; %5 &amp;nbsp; &lt;b&gt;429s&lt;/b&gt; %6 &amp;nbsp; &lt;b&gt;Retries&lt;/b&gt; %7 &amp;nbsp; &lt;b&gt;Fallbacks&lt;/b&gt; %8 &amp;nbsp; &lt;b&gt;Spend&lt;/b&gt; $%9</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+5" />
        <source>Queue depth by model group — %1</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+43" />
        <source>Could not run: %1</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+2" />
        <source>Finished: %1 done, %2 failed, %3 calls, %4 429s, $%5 in %6%7</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+4" />
        <source> — cancelled</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location line="+0" />
        <source> — stopped by the budget</source>
        <translation type="unfinished" />
    </message>
</context>
</TS>