<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="de_DE">
<context>
    <name>main</name>
    <message>
        <location filename="../app/gui/main.cpp" line="23"/>
        <source>Multi-LLM text-analysis workbench</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../app/gui/main.cpp" line="26"/>
        <source>Open the bundled sample project.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../app/gui/main.cpp" line="27"/>
        <source>User interface language (e.g. de).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../app/gui/main.cpp" line="32"/>
        <source>experiment.yaml or a project folder to open.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>wb::ui::ConnectionTester</name>
    <message>
        <location filename="../ui/connectiontester.cpp" line="109"/>
        <source>No answer within %1 s</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/connectiontester.cpp" line="111"/>
        <source>OK — %1 answered in %2 ms</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>wb::ui::CorpusModel</name>
    <message>
        <location filename="../ui/corpusmodel.cpp" line="53"/>
        <source>Folder</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/corpusmodel.cpp" line="54"/>
        <source>CSV</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/corpusmodel.cpp" line="55"/>
        <source>JSONL</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/corpusmodel.cpp" line="56"/>
        <source>Text file</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/corpusmodel.cpp" line="151"/>
        <source>counting…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/corpusmodel.cpp" line="153"/>
        <source>error</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/corpusmodel.cpp" line="164"/>
        <source>o200k_base tokens of the texts alone (prompts add instructions and framing)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/corpusmodel.cpp" line="177"/>
        <source>Id</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/corpusmodel.cpp" line="178"/>
        <source>Kind</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/corpusmodel.cpp" line="179"/>
        <source>Path</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/corpusmodel.cpp" line="180"/>
        <source>Texts</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/corpusmodel.cpp" line="181"/>
        <source>Tokens</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/corpusmodel.cpp" line="208"/>
        <source>Rename corpus source to %1</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>wb::ui::DeploymentTableModel</name>
    <message>
        <location filename="../ui/deploymenttablemodel.cpp" line="110"/>
        <source>The model group (model_name) is required</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/deploymenttablemodel.cpp" line="114"/>
        <source>Unknown provider &quot;%1&quot;; use one of %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/deploymenttablemodel.cpp" line="118"/>
        <source>The provider&apos;s model id is required</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/deploymenttablemodel.cpp" line="122"/>
        <source>No key reference: use os.environ/NAME or keychain/NAME</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/deploymenttablemodel.cpp" line="124"/>
        <source>A literal key is stored in the file; prefer os.environ/NAME or keychain/NAME</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/deploymenttablemodel.cpp" line="126"/>
        <source>The key reference needs a name after the slash</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/deploymenttablemodel.cpp" line="132"/>
        <source>Not a valid http(s) URL</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/deploymenttablemodel.cpp" line="134"/>
        <source>Plain http is only allowed for loopback hosts (set model_info.allow_insecure_http to opt in)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/deploymenttablemodel.cpp" line="143"/>
        <source>A limit must be positive (leave empty for none)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/deploymenttablemodel.cpp" line="145"/>
        <source>Input/output token limits apply to Anthropic deployments</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/deploymenttablemodel.cpp" line="150"/>
        <source>The weight must be greater than zero</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/deploymenttablemodel.cpp" line="165"/>
        <source>Row %1, %2: %3</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/deploymenttablemodel.cpp" line="185"/>
        <source>(provider default)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/deploymenttablemodel.cpp" line="208"/>
        <source>USD per million tokens; empty = the price table&apos;s</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/deploymenttablemodel.cpp" line="229"/>
        <source>Anthropic input tokens per minute</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/deploymenttablemodel.cpp" line="230"/>
        <source>Anthropic output tokens per minute</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/deploymenttablemodel.cpp" line="231"/>
        <source>Deployments whose keys share one provider quota share one rate-limit window</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/deploymenttablemodel.cpp" line="232"/>
        <source>Relative share of traffic (simple-shuffle)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/deploymenttablemodel.cpp" line="239"/>
        <source>Model group</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/deploymenttablemodel.cpp" line="240"/>
        <source>Provider</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/deploymenttablemodel.cpp" line="241"/>
        <source>Model id</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/deploymenttablemodel.cpp" line="242"/>
        <source>Key reference</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/deploymenttablemodel.cpp" line="243"/>
        <source>API base</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/deploymenttablemodel.cpp" line="244"/>
        <source>RPM</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/deploymenttablemodel.cpp" line="245"/>
        <source>TPM</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/deploymenttablemodel.cpp" line="246"/>
        <source>ITPM</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/deploymenttablemodel.cpp" line="247"/>
        <source>OTPM</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/deploymenttablemodel.cpp" line="248"/>
        <source>Weight</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/deploymenttablemodel.cpp" line="249"/>
        <source>Input $/M</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/deploymenttablemodel.cpp" line="250"/>
        <source>Output $/M</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/deploymenttablemodel.cpp" line="251"/>
        <source>Rate-limit pool</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/deploymenttablemodel.cpp" line="297"/>
        <source>Edit %1 of %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/deploymenttablemodel.cpp" line="329"/>
        <source>Add deployment to %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/deploymenttablemodel.cpp" line="347"/>
        <source>Duplicate deployment of %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message numerus="yes">
        <location filename="../ui/deploymenttablemodel.cpp" line="372"/>
        <source>Remove %n deployment(s)</source>
        <translation type="unfinished">
            <numerusform></numerusform>
            <numerusform></numerusform>
        </translation>
    </message>
</context>
<context>
    <name>wb::ui::EstimateView</name>
    <message>
        <location filename="../ui/estimateview.cpp" line="102"/>
        <source>cancelled</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/estimateview.cpp" line="146"/>
        <source>Total</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/estimateview.cpp" line="151"/>
        <source>Per run</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/estimateview.cpp" line="153"/>
        <source>Per deployment (utilisation of its limits)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/estimateview.cpp" line="155"/>
        <source>Recommendations</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/estimateview.cpp" line="190"/>
        <source>Updating the estimate…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/estimateview.cpp" line="206"/>
        <source>Computing the estimate…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/estimateview.cpp" line="230"/>
        <source>No estimate: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/estimateview.cpp" line="231"/>
        <source>&lt;i&gt;The estimate is not available.&lt;/i&gt;</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/estimateview.cpp" line="240"/>
        <source>&lt;b&gt;%1&lt;/b&gt; texts · &lt;b&gt;%2&lt;/b&gt; calls · &lt;b&gt;%3&lt;/b&gt; prompt tokens · &lt;b&gt;%4&lt;/b&gt; output tokens expected (%5 worst case)&lt;br&gt;&lt;b&gt;Cost&lt;/b&gt; %6 expected, %7 worst case · &lt;b&gt;Duration&lt;/b&gt; %8</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/estimateview.cpp" line="247"/>
        <source>&lt;br&gt;Without batching: %1 calls, %2 prompt tokens, %3, %4</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/estimateview.cpp" line="252"/>
        <source>Binding constraint: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/estimateview.cpp" line="257"/>
        <source>Run</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/estimateview.cpp" line="257"/>
        <source>Model group</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/estimateview.cpp" line="257"/>
        <source>Texts</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/estimateview.cpp" line="257"/>
        <location filename="../ui/estimateview.cpp" line="266"/>
        <source>Calls</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/estimateview.cpp" line="257"/>
        <source>Prompt tokens</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/estimateview.cpp" line="258"/>
        <source>Output tokens</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/estimateview.cpp" line="258"/>
        <location filename="../ui/estimateview.cpp" line="267"/>
        <source>Cost</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/estimateview.cpp" line="258"/>
        <source>Worst case</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/estimateview.cpp" line="258"/>
        <source>Finishes after</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/estimateview.cpp" line="258"/>
        <source>Tokens counted</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/estimateview.cpp" line="261"/>
        <source>price unknown</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/estimateview.cpp" line="266"/>
        <source>Deployment</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/estimateview.cpp" line="266"/>
        <source>RPM</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/estimateview.cpp" line="266"/>
        <source>TPM</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/estimateview.cpp" line="266"/>
        <source>ITPM</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/estimateview.cpp" line="266"/>
        <source>OTPM</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/estimateview.cpp" line="267"/>
        <source>Parallel</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/estimateview.cpp" line="267"/>
        <source>Waited</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/estimateview.cpp" line="274"/>
        <source>&lt;b&gt;%1&lt;/b&gt; — %2 (duration %3 → %4, cost %5 → %6)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/estimateview.cpp" line="277"/>
        <source>None — the configuration looks balanced.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/estimateview.cpp" line="278"/>
        <source>Prices as of %1. Estimated %2.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>wb::ui::ExperimentEditor</name>
    <message>
        <location filename="../ui/experimenteditor.cpp" line="80"/>
        <source>Experiment name</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/experimenteditor.cpp" line="81"/>
        <location filename="../ui/experimenteditor.cpp" line="243"/>
        <source>Description</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/experimenteditor.cpp" line="91"/>
        <source>Add folder…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/experimenteditor.cpp" line="92"/>
        <source>Add CSV/JSONL…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/experimenteditor.cpp" line="93"/>
        <location filename="../ui/experimenteditor.cpp" line="115"/>
        <location filename="../ui/experimenteditor.cpp" line="136"/>
        <source>Remove</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/experimenteditor.cpp" line="97"/>
        <source>Corpus</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/experimenteditor.cpp" line="114"/>
        <source>Add framework…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/experimenteditor.cpp" line="118"/>
        <source>Frameworks</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/experimenteditor.cpp" line="135"/>
        <source>Add run</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/experimenteditor.cpp" line="139"/>
        <source>Matrix — one run per model group × framework × corpus</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/experimenteditor.cpp" line="158"/>
        <source>Several texts per call</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/experimenteditor.cpp" line="164"/>
        <source>Execution</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/experimenteditor.cpp" line="166"/>
        <source>Temperature</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/experimenteditor.cpp" line="167"/>
        <source>Max output tokens</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/experimenteditor.cpp" line="168"/>
        <source>Repetitions</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/experimenteditor.cpp" line="169"/>
        <source>Re-asks on invalid JSON</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/experimenteditor.cpp" line="170"/>
        <source>Batching</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/experimenteditor.cpp" line="171"/>
        <source>Max tokens per batch</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/experimenteditor.cpp" line="172"/>
        <source>Max texts per batch</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/experimenteditor.cpp" line="243"/>
        <source>Framework / dimension</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/experimenteditor.cpp" line="243"/>
        <source>Range</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/experimenteditor.cpp" line="245"/>
        <location filename="../ui/experimenteditor.cpp" line="250"/>
        <source>%1 (%2)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/experimenteditor.cpp" line="247"/>
        <source>v%1</source>
        <translation type="unfinished"></translation>
    </message>
    <message numerus="yes">
        <location filename="../ui/experimenteditor.cpp" line="248"/>
        <source>%n dimension(s)</source>
        <translation type="unfinished">
            <numerusform></numerusform>
            <numerusform></numerusform>
        </translation>
    </message>
    <message>
        <location filename="../ui/experimenteditor.cpp" line="278"/>
        <source>Counting tokens…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/experimenteditor.cpp" line="281"/>
        <source>%1 texts, %2 tokens</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/experimenteditor.cpp" line="303"/>
        <source>Rename experiment</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/experimenteditor.cpp" line="303"/>
        <source>Change execution settings</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/experimenteditor.cpp" line="308"/>
        <source>Folder of .txt files</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/experimenteditor.cpp" line="315"/>
        <source>Corpus file</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/experimenteditor.cpp" line="316"/>
        <source>Corpus files (*.csv *.jsonl *.txt)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/experimenteditor.cpp" line="341"/>
        <source>Add corpus source %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/experimenteditor.cpp" line="351"/>
        <source>Remove corpus source</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/experimenteditor.cpp" line="356"/>
        <source>Framework file</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/experimenteditor.cpp" line="357"/>
        <source>Framework (*.yaml *.yml)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/experimenteditor.cpp" line="361"/>
        <source>Cannot add framework</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/experimenteditor.cpp" line="378"/>
        <source>Remove framework</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>wb::ui::GaugeModel</name>
    <message>
        <location filename="../ui/gaugemodel.cpp" line="115"/>
        <source>cooling down</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/gaugemodel.cpp" line="115"/>
        <source>cooling down (%1 s)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/gaugemodel.cpp" line="116"/>
        <source>busy</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/gaugemodel.cpp" line="116"/>
        <source>idle</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/gaugemodel.cpp" line="128"/>
        <source>Window: %1
Mean latency: %2 ms</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/gaugemodel.cpp" line="138"/>
        <source>Requests in the last 60 s against the requests-per-minute limit</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/gaugemodel.cpp" line="139"/>
        <source>Tokens in the last 60 s against the tokens-per-minute limit</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/gaugemodel.cpp" line="140"/>
        <source>Input tokens per minute (Anthropic)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/gaugemodel.cpp" line="141"/>
        <source>Output tokens per minute (Anthropic)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/gaugemodel.cpp" line="148"/>
        <source>Provider</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/gaugemodel.cpp" line="148"/>
        <source>Deployment</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/gaugemodel.cpp" line="149"/>
        <source>Model groups</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/gaugemodel.cpp" line="149"/>
        <source>Model group</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/gaugemodel.cpp" line="150"/>
        <source>RPM</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/gaugemodel.cpp" line="151"/>
        <source>TPM</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/gaugemodel.cpp" line="152"/>
        <source>ITPM</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/gaugemodel.cpp" line="153"/>
        <source>OTPM</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/gaugemodel.cpp" line="154"/>
        <source>In flight</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/gaugemodel.cpp" line="155"/>
        <source>Calls</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/gaugemodel.cpp" line="156"/>
        <source>429s</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/gaugemodel.cpp" line="157"/>
        <source>Retries</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/gaugemodel.cpp" line="158"/>
        <source>Spend</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/gaugemodel.cpp" line="159"/>
        <source>State</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>wb::ui::KeysModel</name>
    <message>
        <location filename="../ui/keysmodel.cpp" line="33"/>
        <source>environment</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/keysmodel.cpp" line="34"/>
        <source>keychain</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/keysmodel.cpp" line="35"/>
        <source>in the file</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/keysmodel.cpp" line="36"/>
        <source>environment (provider default)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/keysmodel.cpp" line="44"/>
        <source>checking…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/keysmodel.cpp" line="45"/>
        <source>set</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/keysmodel.cpp" line="46"/>
        <source>missing</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/keysmodel.cpp" line="47"/>
        <source>error</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/keysmodel.cpp" line="73"/>
        <source>(literal key)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/keysmodel.cpp" line="98"/>
        <source>A literal key is stored in the model list; move it to the keychain</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/keysmodel.cpp" line="165"/>
        <source>Use &quot;Set key…&quot; to store it in the keychain</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/keysmodel.cpp" line="166"/>
        <source>Set the environment variable %1 before starting the workbench, or store the key in the keychain</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/keysmodel.cpp" line="187"/>
        <source>Key reference</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/keysmodel.cpp" line="188"/>
        <source>Where</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/keysmodel.cpp" line="189"/>
        <source>Status</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/keysmodel.cpp" line="190"/>
        <source>Value</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/keysmodel.cpp" line="191"/>
        <source>Used by</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>wb::ui::KeysView</name>
    <message>
        <location filename="../ui/keysview.cpp" line="39"/>
        <source>Set / replace key…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/keysview.cpp" line="40"/>
        <location filename="../ui/keysview.cpp" line="194"/>
        <source>Clear key</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/keysview.cpp" line="41"/>
        <source>Refresh</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/keysview.cpp" line="46"/>
        <source>Keys are stored in the system keychain and never written to project files, logs or results. Only the last characters of a key are ever shown.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/keysview.cpp" line="49"/>
        <source>API keys</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/keysview.cpp" line="66"/>
        <source>Test connection</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/keysview.cpp" line="67"/>
        <source>Test all</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/keysview.cpp" line="70"/>
        <source>Connections</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/keysview.cpp" line="122"/>
        <source>Cannot store key</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/keysview.cpp" line="127"/>
        <source>Cannot clear key</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/keysview.cpp" line="149"/>
        <source>Deployment</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/keysview.cpp" line="149"/>
        <source>Endpoint</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/keysview.cpp" line="149"/>
        <source>Result</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/keysview.cpp" line="152"/>
        <source>not tested</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/keysview.cpp" line="172"/>
        <source>Set key</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/keysview.cpp" line="173"/>
        <source>This reference reads the environment variable %1. Set it before starting the workbench, or change the deployment&apos;s key reference to keychain/NAME to keep the key in the keychain.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/keysview.cpp" line="179"/>
        <source>Set key %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/keysview.cpp" line="180"/>
        <source>API key for %1 (stored in the system keychain):</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/keysview.cpp" line="194"/>
        <source>Remove the key %1 from the keychain?</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/keysview.cpp" line="208"/>
        <location filename="../ui/keysview.cpp" line="215"/>
        <source>testing…</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>wb::ui::MainWindow</name>
    <message>
        <location filename="../ui/mainwindow.cpp" line="67"/>
        <source>Models</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.cpp" line="68"/>
        <source>Keys</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.cpp" line="69"/>
        <source>Experiment</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.cpp" line="70"/>
        <source>Estimate</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.cpp" line="71"/>
        <source>Run</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.cpp" line="72"/>
        <source>Results</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.cpp" line="85"/>
        <source>SIMULATED — results are not from real models. This model list points at the built-in provider simulator.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.cpp" line="120"/>
        <source>Save before running?</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.cpp" line="121"/>
        <source>The run uses the saved files. Save your changes now?</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.cpp" line="142"/>
        <source>&amp;File</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.cpp" line="143"/>
        <source>&amp;Open…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.cpp" line="145"/>
        <source>Open &amp;Sample</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.cpp" line="149"/>
        <source>Open &amp;Recent</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.cpp" line="151"/>
        <source>&amp;Save</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.cpp" line="153"/>
        <source>Save &amp;As…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.cpp" line="156"/>
        <source>&amp;Quit</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.cpp" line="159"/>
        <source>&amp;Edit</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.cpp" line="160"/>
        <source>&amp;Undo</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.cpp" line="162"/>
        <source>&amp;Redo</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.cpp" line="167"/>
        <source>&amp;Run</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.cpp" line="168"/>
        <source>&amp;Start</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.cpp" line="173"/>
        <source>&amp;Pause / Resume</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.cpp" line="174"/>
        <source>&amp;Cancel</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.cpp" line="176"/>
        <source>&amp;View</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.cpp" line="182"/>
        <source>&amp;Help</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.cpp" line="183"/>
        <source>&amp;About Discernus Workbench</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.cpp" line="184"/>
        <source>About Discernus Workbench</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.cpp" line="185"/>
        <source>&lt;h3&gt;Discernus Workbench %1&lt;/h3&gt;&lt;p&gt;Run multi-LLM text-analysis experiments through a rate-limit-aware router, and browse and export the results.&lt;/p&gt;</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.cpp" line="209"/>
        <source>Discernus Workbench</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.cpp" line="210"/>
        <source>No project open</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.cpp" line="213"/>
        <source>%1[*] — Discernus Workbench</source>
        <translation type="unfinished"></translation>
    </message>
    <message numerus="yes">
        <location filename="../ui/mainwindow.cpp" line="216"/>
        <source>%1  ·  %n deployment(s)</source>
        <translation type="unfinished">
            <numerusform></numerusform>
            <numerusform></numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location filename="../ui/mainwindow.cpp" line="218"/>
        <source>, %n run(s)</source>
        <translation type="unfinished">
            <numerusform></numerusform>
            <numerusform></numerusform>
        </translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.cpp" line="219"/>
        <source>  ·  simulated</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.cpp" line="227"/>
        <source>Cannot open project</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.cpp" line="228"/>
        <source>Cannot open %1: %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.cpp" line="252"/>
        <source>No sample</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.cpp" line="252"/>
        <source>The bundled sample project was not found.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.cpp" line="271"/>
        <source>Open experiment</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.cpp" line="272"/>
        <source>Experiment (experiment.yaml *.yaml *.yml)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.cpp" line="283"/>
        <location filename="../ui/mainwindow.cpp" line="297"/>
        <source>Cannot save</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.cpp" line="286"/>
        <source>Saved</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.cpp" line="292"/>
        <source>Save project into folder</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.cpp" line="309"/>
        <source>Unsaved changes</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.cpp" line="310"/>
        <source>The project &quot;%1&quot; has unsaved changes.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.cpp" line="313"/>
        <source>Save them before continuing?</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.cpp" line="325"/>
        <source>A run is in progress</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.cpp" line="326"/>
        <source>Cancel the run and quit? It can be resumed later.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.cpp" line="345"/>
        <source>Run finished: %1 done, %2 failed</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.cpp" line="347"/>
        <source>Run could not start: %1</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>wb::ui::MatrixModel</name>
    <message>
        <location filename="../ui/matrixmodel.cpp" line="45"/>
        <source>A run id is required</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/matrixmodel.cpp" line="50"/>
        <source>Run ids must be unique</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/matrixmodel.cpp" line="55"/>
        <source>No model group &quot;%1&quot; in the model list</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/matrixmodel.cpp" line="59"/>
        <source>No framework &quot;%1&quot; in the experiment</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/matrixmodel.cpp" line="63"/>
        <source>No corpus source &quot;%1&quot; in the experiment</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/matrixmodel.cpp" line="88"/>
        <source>%1 (default)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/matrixmodel.cpp" line="106"/>
        <source>Globs on text ids, comma separated; empty = every text</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/matrixmodel.cpp" line="123"/>
        <source>Run id</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/matrixmodel.cpp" line="124"/>
        <source>Model group</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/matrixmodel.cpp" line="125"/>
        <source>Framework</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/matrixmodel.cpp" line="126"/>
        <source>Corpus</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/matrixmodel.cpp" line="127"/>
        <source>Include</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/matrixmodel.cpp" line="128"/>
        <source>Limit</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/matrixmodel.cpp" line="129"/>
        <source>Repetitions</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/matrixmodel.cpp" line="177"/>
        <source>Edit run %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/matrixmodel.cpp" line="198"/>
        <source>Add run %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message numerus="yes">
        <location filename="../ui/matrixmodel.cpp" line="217"/>
        <source>Remove %n run(s)</source>
        <translation type="unfinished">
            <numerusform></numerusform>
            <numerusform></numerusform>
        </translation>
    </message>
</context>
<context>
    <name>wb::ui::ModelListEditor</name>
    <message>
        <location filename="../ui/modellisteditor.cpp" line="108"/>
        <source>Add deployment</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/modellisteditor.cpp" line="109"/>
        <source>Add model group…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/modellisteditor.cpp" line="110"/>
        <source>Duplicate</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/modellisteditor.cpp" line="111"/>
        <source>Remove</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/modellisteditor.cpp" line="112"/>
        <source>Add a deployment to the selected model group (e.g. a second API key)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/modellisteditor.cpp" line="137"/>
        <location filename="../ui/modellisteditor.cpp" line="142"/>
        <source> s</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/modellisteditor.cpp" line="144"/>
        <source>group: fallback1, fallback2; other-group: fallback</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/modellisteditor.cpp" line="145"/>
        <source>Limit spend to</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/modellisteditor.cpp" line="152"/>
        <source>lifetime</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/modellisteditor.cpp" line="156"/>
        <source>Router</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/modellisteditor.cpp" line="158"/>
        <source>Routing strategy</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/modellisteditor.cpp" line="159"/>
        <source>Retries</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/modellisteditor.cpp" line="160"/>
        <source>Timeout per call</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/modellisteditor.cpp" line="161"/>
        <source>Allowed fails per minute</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/modellisteditor.cpp" line="162"/>
        <source>Cooldown</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/modellisteditor.cpp" line="163"/>
        <source>Fallbacks</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/modellisteditor.cpp" line="164"/>
        <source>Budget</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/modellisteditor.cpp" line="170"/>
        <source>Period</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/modellisteditor.cpp" line="177"/>
        <source>&lt;b&gt;Deployments&lt;/b&gt; — each row is one API endpoint and key; rows with the same model group share its traffic.</source>
        <translation type="unfinished"></translation>
    </message>
    <message numerus="yes">
        <location filename="../ui/modellisteditor.cpp" line="240"/>
        <source>%n problem(s):</source>
        <translation type="unfinished">
            <numerusform></numerusform>
            <numerusform></numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location filename="../ui/modellisteditor.cpp" line="242"/>
        <source> (and %n more — hover the highlighted cells)</source>
        <translation type="unfinished">
            <numerusform></numerusform>
            <numerusform></numerusform>
        </translation>
    </message>
    <message>
        <location filename="../ui/modellisteditor.cpp" line="268"/>
        <source>Change router settings</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/modellisteditor.cpp" line="293"/>
        <source>Add model group</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/modellisteditor.cpp" line="294"/>
        <source>Name experiments use for this model (model_name):</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>wb::ui::Project</name>
    <message>
        <location filename="../ui/project.cpp" line="105"/>
        <source>No model list (litellm_config.yaml) next to the experiment</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/project.cpp" line="141"/>
        <source>No project is open</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/project.cpp" line="155"/>
        <source>Cannot create the folder</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/project.cpp" line="199"/>
        <source>A framework with id &quot;%1&quot; is already part of the experiment</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/project.cpp" line="203"/>
        <source>Add framework %1</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>wb::ui::ResultsModel</name>
    <message>
        <location filename="../ui/resultsmodel.cpp" line="15"/>
        <source>pending</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/resultsmodel.cpp" line="16"/>
        <source>in flight</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/resultsmodel.cpp" line="17"/>
        <source>done</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/resultsmodel.cpp" line="18"/>
        <source>failed</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/resultsmodel.cpp" line="59"/>
        <location filename="../ui/resultsmodel.cpp" line="80"/>
        <source>The results database cannot be opened</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/resultsmodel.cpp" line="146"/>
        <source>%1 ms</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/resultsmodel.cpp" line="172"/>
        <source>Job</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/resultsmodel.cpp" line="173"/>
        <source>Run</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/resultsmodel.cpp" line="174"/>
        <source>Model group</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/resultsmodel.cpp" line="175"/>
        <source>Framework</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/resultsmodel.cpp" line="176"/>
        <source>Text</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/resultsmodel.cpp" line="177"/>
        <source>Rep.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/resultsmodel.cpp" line="178"/>
        <source>Status</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/resultsmodel.cpp" line="179"/>
        <source>Scores</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/resultsmodel.cpp" line="180"/>
        <source>Deployment</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/resultsmodel.cpp" line="181"/>
        <source>Provider</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/resultsmodel.cpp" line="182"/>
        <source>Model version</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/resultsmodel.cpp" line="183"/>
        <source>Prompt tokens</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/resultsmodel.cpp" line="184"/>
        <source>Completion tokens</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/resultsmodel.cpp" line="185"/>
        <source>Cost</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/resultsmodel.cpp" line="186"/>
        <source>Latency</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/resultsmodel.cpp" line="187"/>
        <source>Attempts</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/resultsmodel.cpp" line="188"/>
        <source>Error</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/resultsmodel.cpp" line="189"/>
        <source>Completed</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>wb::ui::ResultsView</name>
    <message>
        <location filename="../ui/resultsview.cpp" line="57"/>
        <source>any status</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/resultsview.cpp" line="58"/>
        <source>done</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/resultsview.cpp" line="59"/>
        <source>failed</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/resultsview.cpp" line="60"/>
        <source>pending</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/resultsview.cpp" line="61"/>
        <source>in flight</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/resultsview.cpp" line="64"/>
        <source>Text id contains…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/resultsview.cpp" line="68"/>
        <source>Refresh</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/resultsview.cpp" line="69"/>
        <source>Long format</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/resultsview.cpp" line="70"/>
        <source>One row per job and dimension, with the evidence</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/resultsview.cpp" line="71"/>
        <source>Export CSV…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/resultsview.cpp" line="75"/>
        <source>Run</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/resultsview.cpp" line="77"/>
        <source>Model</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/resultsview.cpp" line="107"/>
        <source>Select a result to see its scores, calls and raw response.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/resultsview.cpp" line="110"/>
        <source>Mean score per dimension</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/resultsview.cpp" line="142"/>
        <source>counting…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/resultsview.cpp" line="142"/>
        <source>%1 results</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/resultsview.cpp" line="146"/>
        <source>Error: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/resultsview.cpp" line="165"/>
        <source>No results yet — run the experiment first</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/resultsview.cpp" line="207"/>
        <source>all runs</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/resultsview.cpp" line="208"/>
        <source>all models</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/resultsview.cpp" line="286"/>
        <source>The results database cannot be opened</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/resultsview.cpp" line="304"/>
        <source>repetition %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/resultsview.cpp" line="305"/>
        <source>&lt;b&gt;Status:&lt;/b&gt; %1 &amp;nbsp; &lt;b&gt;Model:&lt;/b&gt; %2 (%3, %4) &amp;nbsp; &lt;b&gt;Attempts:&lt;/b&gt; %5</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/resultsview.cpp" line="310"/>
        <source>&lt;b&gt;Error:&lt;/b&gt; %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/resultsview.cpp" line="313"/>
        <source>Dimension</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/resultsview.cpp" line="313"/>
        <source>Score</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/resultsview.cpp" line="313"/>
        <source>Evidence</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/resultsview.cpp" line="320"/>
        <source>Calls</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/resultsview.cpp" line="323"/>
        <source>%1 · HTTP %2 · %3 + %4 tokens · $%5 · %6 ms%7</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/resultsview.cpp" line="333"/>
        <source>Raw response (attempt %1)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/resultsview.cpp" line="342"/>
        <source>Export CSV</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/resultsview.cpp" line="342"/>
        <location filename="../ui/resultsview.cpp" line="358"/>
        <source>There are no results to export yet.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/resultsview.cpp" line="345"/>
        <source>Export results</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/resultsview.cpp" line="347"/>
        <source>CSV (*.csv)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/resultsview.cpp" line="367"/>
        <source>Exporting results to %1…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/resultsview.cpp" line="367"/>
        <source>Cancel</source>
        <translation type="unfinished"></translation>
    </message>
    <message numerus="yes">
        <location filename="../ui/resultsview.cpp" line="396"/>
        <source>Exported %n row(s) to %1</source>
        <translation type="unfinished">
            <numerusform></numerusform>
            <numerusform></numerusform>
        </translation>
    </message>
</context>
<context>
    <name>wb::ui::RunMonitor</name>
    <message>
        <location filename="../ui/runmonitor.cpp" line="61"/>
        <source>SIMULATED — results are not from real models</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/runmonitor.cpp" line="68"/>
        <source>Browse…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/runmonitor.cpp" line="70"/>
        <source>Results database</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/runmonitor.cpp" line="71"/>
        <source>SQLite database (*.sqlite *.db)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/runmonitor.cpp" line="76"/>
        <source>Resume (only jobs not done yet)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/runmonitor.cpp" line="77"/>
        <source>Start</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/runmonitor.cpp" line="78"/>
        <location filename="../ui/runmonitor.cpp" line="238"/>
        <source>Pause</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/runmonitor.cpp" line="79"/>
        <source>Cancel</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/runmonitor.cpp" line="88"/>
        <source>Database</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/runmonitor.cpp" line="99"/>
        <source>%v / %m jobs (%p%)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/runmonitor.cpp" line="112"/>
        <source>Providers</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/runmonitor.cpp" line="118"/>
        <source>Deployments</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/runmonitor.cpp" line="126"/>
        <source>Spend vs budget</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/runmonitor.cpp" line="130"/>
        <source>Spend (USD)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/runmonitor.cpp" line="132"/>
        <source>Budget</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/runmonitor.cpp" line="140"/>
        <source>Elapsed (s)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/runmonitor.cpp" line="143"/>
        <source>USD</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/runmonitor.cpp" line="162"/>
        <source>Events</source>
        <translation type="unfinished"></translation>
    </message>
    <message numerus="yes">
        <location filename="../ui/runmonitor.cpp" line="193"/>
        <source>Run started: %n job(s)</source>
        <translation type="unfinished">
            <numerusform></numerusform>
            <numerusform></numerusform>
        </translation>
    </message>
    <message>
        <location filename="../ui/runmonitor.cpp" line="196"/>
        <source>Budget warning: %1 % of the budget is spent</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/runmonitor.cpp" line="220"/>
        <source>unknown</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/runmonitor.cpp" line="223"/>
        <source>%1 s</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/runmonitor.cpp" line="225"/>
        <source>%1 min %2 s</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/runmonitor.cpp" line="226"/>
        <source>%1 h %2 min</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/runmonitor.cpp" line="238"/>
        <source>Resume</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/runmonitor.cpp" line="287"/>
        <source>Starting %1 → %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/runmonitor.cpp" line="300"/>
        <source>Paused: no new calls are sent; calls in flight finish</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/runmonitor.cpp" line="310"/>
        <source>Resumed</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/runmonitor.cpp" line="318"/>
        <source>Cancelling… (the run can be resumed later)</source>
        <translation type="unfinished"></translation>
    </message>
    <message numerus="yes">
        <location filename="../ui/runmonitor.cpp" line="338"/>
        <source>… %n more event(s) not shown</source>
        <translation type="unfinished">
            <numerusform></numerusform>
            <numerusform></numerusform>
        </translation>
    </message>
    <message>
        <location filename="../ui/runmonitor.cpp" line="357"/>
        <source>paused</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/runmonitor.cpp" line="359"/>
        <location filename="../ui/runmonitor.cpp" line="361"/>
        <source>ETA %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/runmonitor.cpp" line="362"/>
        <source>Elapsed %1 · %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/runmonitor.cpp" line="375"/>
        <source>&lt;b&gt;Done&lt;/b&gt; %1 &amp;nbsp; &lt;b&gt;Failed&lt;/b&gt; %2 &amp;nbsp; &lt;b&gt;Queued&lt;/b&gt; %3 &amp;nbsp; &lt;b&gt;In flight&lt;/b&gt; %4 &amp;nbsp; &lt;b&gt;Calls&lt;/b&gt; %5 &amp;nbsp; &lt;b&gt;429s&lt;/b&gt; %6 &amp;nbsp; &lt;b&gt;Retries&lt;/b&gt; %7 &amp;nbsp; &lt;b&gt;Fallbacks&lt;/b&gt; %8 &amp;nbsp; &lt;b&gt;Spend&lt;/b&gt; $%9</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/runmonitor.cpp" line="380"/>
        <source>Queue depth by model group — %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/runmonitor.cpp" line="417"/>
        <source>Could not run: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/runmonitor.cpp" line="419"/>
        <source>Finished: %1 done, %2 failed, %3 calls, %4 429s, $%5 in %6%7</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/runmonitor.cpp" line="423"/>
        <source> — cancelled</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/runmonitor.cpp" line="423"/>
        <source> — stopped by the budget</source>
        <translation type="unfinished"></translation>
    </message>
</context>
</TS>
