<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="de_DE">
<context>
    <name>main</name>
    <message>
        <source>Multi-LLM text-analysis workbench</source>
        <translation>Werkbank für Textanalyse mit mehreren Sprachmodellen</translation>
    </message>
    <message>
        <source>Open the bundled sample project.</source>
        <translation>Das mitgelieferte Beispielprojekt öffnen.</translation>
    </message>
    <message>
        <source>User interface language (e.g. de).</source>
        <translation>Sprache der Oberfläche (z. B. de).</translation>
    </message>
    <message>
        <source>experiment.yaml or a project folder to open.</source>
        <translation>experiment.yaml oder ein Projektordner zum Öffnen.</translation>
    </message>
</context>
<context>
    <name>wb::ui::ConnectionTester</name>
    <message>
        <location filename="../ui/connectiontester.cpp" line="+130" />
        <source>No answer within %1 s</source>
        <translation>Keine Antwort innerhalb von %1 s</translation>
    </message>
    <message>
        <location line="+2" />
        <source>OK — %1 answered in %2 ms</source>
        <translation>OK — %1 hat in %2 ms geantwortet</translation>
    </message>
</context>
<context>
    <name>wb::ui::CorpusModel</name>
    <message>
        <location filename="../ui/corpusmodel.cpp" line="+53" />
        <source>Folder</source>
        <translation>Ordner</translation>
    </message>
    <message>
        <location line="+1" />
        <source>CSV</source>
        <translation>CSV</translation>
    </message>
    <message>
        <location line="+1" />
        <source>JSONL</source>
        <translation>JSONL</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Text file</source>
        <translation>Textdatei</translation>
    </message>
    <message>
        <location line="+95" />
        <source>counting…</source>
        <translation>wird gezählt…</translation>
    </message>
    <message>
        <location line="+2" />
        <source>error</source>
        <translation>Fehler</translation>
    </message>
    <message>
        <location line="+11" />
        <source>o200k_base tokens of the texts alone (prompts add instructions and framing)</source>
        <translation>o200k_base-Tokens nur der Texte (Prompts fügen Anweisungen und Rahmen hinzu)</translation>
    </message>
    <message>
        <location line="+13" />
        <source>Id</source>
        <translation>Kennung</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Kind</source>
        <translation>Art</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Path</source>
        <translation>Pfad</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Texts</source>
        <translation>Texte</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Tokens</source>
        <translation>Tokens</translation>
    </message>
    <message>
        <location line="+27" />
        <source>Rename corpus source to %1</source>
        <translation>Korpusquelle in %1 umbenennen</translation>
    </message>
</context>
<context>
    <name>wb::ui::DeploymentTableModel</name>
    <message>
        <location filename="../ui/deploymenttablemodel.cpp" line="+117" />
        <source>The model group (model_name) is required</source>
        <translation>Die Modellgruppe (model_name) ist erforderlich</translation>
    </message>
    <message>
        <location line="+4" />
        <source>Unknown provider "%1"; use one of %2</source>
        <translation>Unbekannter Anbieter „%1“; möglich sind %2</translation>
    </message>
    <message>
        <location line="+4" />
        <source>The provider's model id is required</source>
        <translation>Die Modellkennung des Anbieters ist erforderlich</translation>
    </message>
    <message>
        <location line="+4" />
        <source>No key reference: use os.environ/NAME or keychain/NAME</source>
        <translation>Kein Schlüsselverweis: os.environ/NAME oder keychain/NAME verwenden</translation>
    </message>
    <message>
        <location line="+3" />
        <source>A literal key is stored in the file; prefer os.environ/NAME or keychain/NAME</source>
        <translation>Ein Schlüssel steht im Klartext in der Datei; besser os.environ/NAME oder keychain/NAME verwenden</translation>
    </message>
    <message>
        <location line="+2" />
        <source>The key reference needs a name after the slash</source>
        <translation>Der Schlüsselverweis braucht einen Namen nach dem Schrägstrich</translation>
    </message>
    <message>
        <location line="+6" />
        <source>Not a valid http(s) URL</source>
        <translation>Keine gültige http(s)-URL</translation>
    </message>
    <message>
        <location line="+2" />
        <source>Plain http is only allowed for loopback hosts (set model_info.allow_insecure_http to opt in)</source>
        <translation>Unverschlüsseltes http ist nur für lokale Hosts erlaubt (model_info.allow_insecure_http setzt eine Ausnahme)</translation>
    </message>
    <message>
        <location line="+9" />
        <source>A limit must be positive (leave empty for none)</source>
        <translation>Ein Limit muss positiv sein (leer lassen für keines)</translation>
    </message>
    <message>
        <location line="+2" />
        <source>Input/output token limits apply to Anthropic deployments</source>
        <translation>Eingabe-/Ausgabe-Token-Limits gelten für Anthropic-Deployments</translation>
    </message>
    <message>
        <location line="+5" />
        <source>The weight must be greater than zero</source>
        <translation>Das Gewicht muss größer als null sein</translation>
    </message>
    <message>
        <location line="+15" />
        <source>Row %1, %2: %3</source>
        <translation>Zeile %1, %2: %3</translation>
    </message>
    <message>
        <location line="+22" />
        <source>(provider default)</source>
        <translation>(Standard des Anbieters)</translation>
    </message>
    <message>
        <location line="+23" />
        <source>USD per million tokens; empty = the price table's</source>
        <translation>USD pro Million Tokens; leer = Wert der Preistabelle</translation>
    </message>
    <message>
        <location line="+21" />
        <source>Anthropic input tokens per minute</source>
        <translation>Anthropic-Eingabe-Tokens pro Minute</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Anthropic output tokens per minute</source>
        <translation>Anthropic-Ausgabe-Tokens pro Minute</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Deployments whose keys share one provider quota share one rate-limit window</source>
        <translation>Deployments, deren Schlüssel sich ein Kontingent beim Anbieter teilen, teilen sich ein Ratenlimit-Fenster</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Relative share of traffic (simple-shuffle)</source>
        <translation>Relativer Anteil an der Last (simple-shuffle)</translation>
    </message>
    <message>
        <location line="+7" />
        <source>Model group</source>
        <translation>Modellgruppe</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Provider</source>
        <translation>Anbieter</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Model id</source>
        <translation>Modellkennung</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Key reference</source>
        <translation>Schlüsselverweis</translation>
    </message>
    <message>
        <location line="+1" />
        <source>API base</source>
        <translation>API-Basis</translation>
    </message>
    <message>
        <location line="+1" />
        <source>RPM</source>
        <translation>RPM</translation>
    </message>
    <message>
        <location line="+1" />
        <source>TPM</source>
        <translation>TPM</translation>
    </message>
    <message>
        <location line="+1" />
        <source>ITPM</source>
        <translation>ITPM</translation>
    </message>
    <message>
        <location line="+1" />
        <source>OTPM</source>
        <translation>OTPM</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Weight</source>
        <translation>Gewicht</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Input $/M</source>
        <translation>Eingabe $/M</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Output $/M</source>
        <translation>Ausgabe $/M</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Rate-limit pool</source>
        <translation>Ratenlimit-Pool</translation>
    </message>
    <message>
        <location line="+58" />
        <source>Edit %1 of %2</source>
        <translation>%1 von %2 bearbeiten</translation>
    </message>
    <message>
        <location line="+32" />
        <source>Add deployment to %1</source>
        <translation>Deployment zu %1 hinzufügen</translation>
    </message>
    <message>
        <location line="+18" />
        <source>Duplicate deployment of %1</source>
        <translation>Deployment von %1 duplizieren</translation>
    </message>
    <message numerus="yes">
        <location line="+25" />
        <source>Remove %n deployment(s)</source>
        <translation><numerusform>%n Deployment entfernen</numerusform><numerusform>%n Deployments entfernen</numerusform></translation>
    </message>
</context>
<context>
    <name>wb::ui::EstimateView</name>
    <message>
        <location filename="../ui/estimateview.cpp" line="+105" />
        <source>cancelled</source>
        <translation>abgebrochen</translation>
    </message>
    <message>
        <location line="+44" />
        <source>Total</source>
        <translation>Gesamt</translation>
    </message>
    <message>
        <location line="+5" />
        <source>Per run</source>
        <translation>Je Lauf</translation>
    </message>
    <message>
        <location line="+2" />
        <source>Per deployment (utilisation of its limits)</source>
        <translation>Je Deployment (Auslastung seiner Limits)</translation>
    </message>
    <message>
        <location line="+2" />
        <source>Recommendations</source>
        <translation>Empfehlungen</translation>
    </message>
    <message>
        <location line="+35" />
        <source>Updating the estimate…</source>
        <translation>Schätzung wird aktualisiert…</translation>
    </message>
    <message>
        <location line="+16" />
        <source>Computing the estimate…</source>
        <translation>Schätzung wird berechnet…</translation>
    </message>
    <message>
        <location line="+24" />
        <source>No estimate: %1</source>
        <translation>Keine Schätzung: %1</translation>
    </message>
    <message>
        <location line="+1" />
        <source>&lt;i&gt;The estimate is not available.&lt;/i&gt;</source>
        <translation>&lt;i&gt;Die Schätzung ist nicht verfügbar.&lt;/i&gt;</translation>
    </message>
    <message>
        <location line="+9" />
        <source>&lt;b&gt;%1&lt;/b&gt; texts · &lt;b&gt;%2&lt;/b&gt; calls · &lt;b&gt;%3&lt;/b&gt; prompt tokens · &lt;b&gt;%4&lt;/b&gt; output tokens expected (%5 worst case)&lt;br&gt;&lt;b&gt;Cost&lt;/b&gt; %6 expected, %7 worst case · &lt;b&gt;Duration&lt;/b&gt; %8</source>
        <translation>&lt;b&gt;%1&lt;/b&gt; Texte · &lt;b&gt;%2&lt;/b&gt; Aufrufe · &lt;b&gt;%3&lt;/b&gt; Prompt-Tokens · &lt;b&gt;%4&lt;/b&gt; Ausgabe-Tokens erwartet (%5 im ungünstigsten Fall)&lt;br&gt;&lt;b&gt;Kosten&lt;/b&gt; %6 erwartet, %7 im ungünstigsten Fall · &lt;b&gt;Dauer&lt;/b&gt; %8</translation>
    </message>
    <message>
        <location line="+7" />
        <source>&lt;br&gt;Without batching: %1 calls, %2 prompt tokens, %3, %4</source>
        <translation>&lt;br&gt;Ohne Batching: %1 Aufrufe, %2 Prompt-Tokens, %3, %4</translation>
    </message>
    <message>
        <location line="+5" />
        <source>Binding constraint: %1</source>
        <translation>Begrenzender Faktor: %1</translation>
    </message>
    <message>
        <location line="+5" />
        <source>Run</source>
        <translation>Lauf</translation>
    </message>
    <message>
        <location line="+0" />
        <source>Model group</source>
        <translation>Modellgruppe</translation>
    </message>
    <message>
        <location line="+0" />
        <source>Texts</source>
        <translation>Texte</translation>
    </message>
    <message>
        <location line="+0" />
        <location line="+9" />
        <source>Calls</source>
        <translation>Aufrufe</translation>
    </message>
    <message>
        <location line="-9" />
        <source>Prompt tokens</source>
        <translation>Prompt-Tokens</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Output tokens</source>
        <translation>Ausgabe-Tokens</translation>
    </message>
    <message>
        <location line="+0" />
        <location line="+9" />
        <source>Cost</source>
        <translation>Kosten</translation>
    </message>
    <message>
        <location line="-9" />
        <source>Worst case</source>
        <translation>Ungünstigster Fall</translation>
    </message>
    <message>
        <location line="+0" />
        <source>Finishes after</source>
        <translation>Fertig nach</translation>
    </message>
    <message>
        <location line="+0" />
        <source>Tokens counted</source>
        <translation>Token-Zählung</translation>
    </message>
    <message>
        <location line="+3" />
        <source>price unknown</source>
        <translation>Preis unbekannt</translation>
    </message>
    <message>
        <location line="+5" />
        <source>Deployment</source>
        <translation>Deployment</translation>
    </message>
    <message>
        <location line="+0" />
        <source>RPM</source>
        <translation>RPM</translation>
    </message>
    <message>
        <location line="+0" />
        <source>TPM</source>
        <translation>TPM</translation>
    </message>
    <message>
        <location line="+0" />
        <source>ITPM</source>
        <translation>ITPM</translation>
    </message>
    <message>
        <location line="+0" />
        <source>OTPM</source>
        <translation>OTPM</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Parallel</source>
        <translation>Parallel</translation>
    </message>
    <message>
        <location line="+0" />
        <source>Waited</source>
        <translation>Gewartet</translation>
    </message>
    <message>
        <location line="+7" />
        <source>&lt;b&gt;%1&lt;/b&gt; — %2 (duration %3 → %4, cost %5 → %6)</source>
        <translation>&lt;b&gt;%1&lt;/b&gt; — %2 (Dauer %3 → %4, Kosten %5 → %6)</translation>
    </message>
    <message>
        <location line="+3" />
        <source>None — the configuration looks balanced.</source>
        <translation>Keine — die Konfiguration wirkt ausgewogen.</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Prices as of %1. Estimated %2.</source>
        <translation>Preise vom %1. Geschätzt um %2.</translation>
    </message>
</context>
<context>
    <name>wb::ui::ExperimentEditor</name>
    <message>
        <location filename="../ui/experimenteditor.cpp" line="+82" />
        <source>Experiment name</source>
        <translation>Name des Experiments</translation>
    </message>
    <message>
        <location line="+1" />
        <location line="+171" />
        <source>Description</source>
        <translation>Beschreibung</translation>
    </message>
    <message>
        <location line="-161" />
        <source>Add folder…</source>
        <translation>Ordner hinzufügen…</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Add CSV/JSONL…</source>
        <translation>CSV/JSONL hinzufügen…</translation>
    </message>
    <message>
        <location line="+1" />
        <location line="+22" />
        <location line="+21" />
        <source>Remove</source>
        <translation>Entfernen</translation>
    </message>
    <message>
        <location line="-39" />
        <source>Corpus</source>
        <translation>Korpus</translation>
    </message>
    <message>
        <location line="+17" />
        <source>Add framework…</source>
        <translation>Framework hinzufügen…</translation>
    </message>
    <message>
        <location line="+4" />
        <source>Frameworks</source>
        <translation>Frameworks</translation>
    </message>
    <message>
        <location line="+17" />
        <source>Add run</source>
        <translation>Lauf hinzufügen</translation>
    </message>
    <message>
        <location line="+4" />
        <source>Matrix — one run per model group × framework × corpus</source>
        <translation>Matrix — ein Lauf je Modellgruppe × Framework × Korpus</translation>
    </message>
    <message>
        <location line="+19" />
        <source>Several texts per call</source>
        <translation>Mehrere Texte pro Aufruf</translation>
    </message>
    <message>
        <location line="+6" />
        <source>Execution</source>
        <translation>Ausführung</translation>
    </message>
    <message>
        <location line="+2" />
        <source>Temperature</source>
        <translation>Temperatur</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Max output tokens</source>
        <translation>Max. Ausgabe-Tokens</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Repetitions</source>
        <translation>Wiederholungen</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Re-asks on invalid JSON</source>
        <translation>Nachfragen bei ungültigem JSON</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Batching</source>
        <translation>Batching</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Max tokens per batch</source>
        <translation>Max. Tokens pro Batch</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Max texts per batch</source>
        <translation>Max. Texte pro Batch</translation>
    </message>
    <message>
        <location line="+80" />
        <source>Framework / dimension</source>
        <translation>Framework / Dimension</translation>
    </message>
    <message>
        <location line="+0" />
        <source>Range</source>
        <translation>Bereich</translation>
    </message>
    <message>
        <location line="+2" />
        <location line="+5" />
        <source>%1 (%2)</source>
        <translation>%1 (%2)</translation>
    </message>
    <message>
        <location line="-3" />
        <source>v%1</source>
        <translation>v%1</translation>
    </message>
    <message numerus="yes">
        <location line="+1" />
        <source>%n dimension(s)</source>
        <translation><numerusform>%n Dimension</numerusform><numerusform>%n Dimensionen</numerusform></translation>
    </message>
    <message>
        <location line="+30" />
        <source>Counting tokens…</source>
        <translation>Tokens werden gezählt…</translation>
    </message>
    <message>
        <location line="+3" />
        <source>%1 texts, %2 tokens</source>
        <translation>%1 Texte, %2 Tokens</translation>
    </message>
    <message>
        <location line="+22" />
        <source>Rename experiment</source>
        <translation>Experiment umbenennen</translation>
    </message>
    <message>
        <location line="+0" />
        <source>Change execution settings</source>
        <translation>Ausführungseinstellungen ändern</translation>
    </message>
    <message>
        <location line="+5" />
        <source>Folder of .txt files</source>
        <translation>Ordner mit .txt-Dateien</translation>
    </message>
    <message>
        <location line="+7" />
        <source>Corpus file</source>
        <translation>Korpusdatei</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Corpus files (*.csv *.jsonl *.txt)</source>
        <translation>Korpusdateien (*.csv *.jsonl *.txt)</translation>
    </message>
    <message>
        <location line="+25" />
        <source>Add corpus source %1</source>
        <translation>Korpusquelle %1 hinzufügen</translation>
    </message>
    <message>
        <location line="+10" />
        <source>Remove corpus source</source>
        <translation>Korpusquelle entfernen</translation>
    </message>
    <message>
        <location line="+5" />
        <source>Framework file</source>
        <translation>Framework-Datei</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Framework (*.yaml *.yml)</source>
        <translation>Framework (*.yaml *.yml)</translation>
    </message>
    <message>
        <location line="+4" />
        <source>Cannot add framework</source>
        <translation>Framework kann nicht hinzugefügt werden</translation>
    </message>
    <message>
        <location line="+17" />
        <source>Remove framework</source>
        <translation>Framework entfernen</translation>
    </message>
</context>
<context>
    <name>wb::ui::GaugeModel</name>
    <message>
        <location filename="../ui/gaugemodel.cpp" line="+115" />
        <source>cooling down</source>
        <translation>Abkühlung</translation>
    </message>
    <message>
        <location line="+0" />
        <source>cooling down (%1 s)</source>
        <translation>Abkühlung (%1 s)</translation>
    </message>
    <message>
        <location line="+1" />
        <source>busy</source>
        <translation>beschäftigt</translation>
    </message>
    <message>
        <location line="+0" />
        <source>idle</source>
        <translation>bereit</translation>
    </message>
    <message>
        <location line="+12" />
        <source>Window: %1
Mean latency: %2 ms</source>
        <translation>Fenster: %1
Mittlere Latenz: %2 ms</translation>
    </message>
    <message>
        <location line="+10" />
        <source>Requests in the last 60 s against the requests-per-minute limit</source>
        <translation>Anfragen der letzten 60 s im Verhältnis zum Limit pro Minute</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Tokens in the last 60 s against the tokens-per-minute limit</source>
        <translation>Tokens der letzten 60 s im Verhältnis zum Limit pro Minute</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Input tokens per minute (Anthropic)</source>
        <translation>Eingabe-Tokens pro Minute (Anthropic)</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Output tokens per minute (Anthropic)</source>
        <translation>Ausgabe-Tokens pro Minute (Anthropic)</translation>
    </message>
    <message>
        <location line="+7" />
        <source>Provider</source>
        <translation>Anbieter</translation>
    </message>
    <message>
        <location line="+0" />
        <source>Deployment</source>
        <translation>Deployment</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Model groups</source>
        <translation>Modellgruppen</translation>
    </message>
    <message>
        <location line="+0" />
        <source>Model group</source>
        <translation>Modellgruppe</translation>
    </message>
    <message>
        <location line="+1" />
        <source>RPM</source>
        <translation>RPM</translation>
    </message>
    <message>
        <location line="+1" />
        <source>TPM</source>
        <translation>TPM</translation>
    </message>
    <message>
        <location line="+1" />
        <source>ITPM</source>
        <translation>ITPM</translation>
    </message>
    <message>
        <location line="+1" />
        <source>OTPM</source>
        <translation>OTPM</translation>
    </message>
    <message>
        <location line="+1" />
        <source>In flight</source>
        <translation>Laufend</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Calls</source>
        <translation>Aufrufe</translation>
    </message>
    <message>
        <location line="+1" />
        <source>429s</source>
        <translation>429er</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Retries</source>
        <translation>Wiederholungen</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Spend</source>
        <translation>Ausgaben</translation>
    </message>
    <message>
        <location line="+1" />
        <source>State</source>
        <translation>Zustand</translation>
    </message>
</context>
<context>
    <name>wb::ui::KeysModel</name>
    <message>
        <location filename="../ui/keysmodel.cpp" line="+33" />
        <source>environment</source>
        <translation>Umgebung</translation>
    </message>
    <message>
        <location line="+1" />
        <source>keychain</source>
        <translation>Schlüsselbund</translation>
    </message>
    <message>
        <location line="+1" />
        <source>in the file</source>
        <translation>in der Datei</translation>
    </message>
    <message>
        <location line="+1" />
        <source>environment (provider default)</source>
        <translation>Umgebung (Standard des Anbieters)</translation>
    </message>
    <message>
        <location line="+8" />
        <source>checking…</source>
        <translation>wird geprüft…</translation>
    </message>
    <message>
        <location line="+1" />
        <source>set</source>
        <translation>gesetzt</translation>
    </message>
    <message>
        <location line="+1" />
        <source>missing</source>
        <translation>fehlt</translation>
    </message>
    <message>
        <location line="+1" />
        <source>error</source>
        <translation>Fehler</translation>
    </message>
    <message>
        <location line="+26" />
        <location line="+27" />
        <source>(literal key)</source>
        <translation>(Schlüssel im Klartext)</translation>
    </message>
    <message>
        <location line="-27" />
        <source>(local server key)</source>
        <translation>(Schlüssel eines lokalen Servers)</translation>
    </message>
    <message>
        <location line="+28" />
        <source>A literal key is stored in the model list; move it to the keychain</source>
        <translation>Ein Schlüssel steht im Klartext in der Modellliste; bitte in den Schlüsselbund verschieben</translation>
    </message>
    <message>
        <location line="+67" />
        <source>Use "Set key…" to store it in the keychain</source>
        <translation>Mit „Schlüssel setzen…“ im Schlüsselbund speichern</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Set the environment variable %1 before starting the workbench, or store the key in the keychain</source>
        <translation>Die Umgebungsvariable %1 vor dem Start setzen oder den Schlüssel im Schlüsselbund speichern</translation>
    </message>
    <message>
        <location line="+21" />
        <source>Key reference</source>
        <translation>Schlüsselverweis</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Where</source>
        <translation>Ort</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Status</source>
        <translation>Status</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Value</source>
        <translation>Wert</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Used by</source>
        <translation>Verwendet von</translation>
    </message>
</context>
<context>
    <name>wb::ui::KeysView</name>
    <message>
        <location filename="../ui/keysview.cpp" line="+39" />
        <source>Set / replace key…</source>
        <translation>Schlüssel setzen / ersetzen…</translation>
    </message>
    <message>
        <location line="+1" />
        <location line="+182" />
        <source>Clear key</source>
        <translation>Schlüssel löschen</translation>
    </message>
    <message>
        <location line="-181" />
        <source>Refresh</source>
        <translation>Aktualisieren</translation>
    </message>
    <message>
        <location line="+5" />
        <source>Keys are stored in the system keychain and never written to project files, logs or results. Only the last characters of a key are ever shown.</source>
        <translation>Schlüssel liegen im Schlüsselbund des Systems und werden nie in Projektdateien, Protokolle oder Ergebnisse geschrieben. Angezeigt werden immer nur die letzten Zeichen.</translation>
    </message>
    <message>
        <location line="+3" />
        <source>API keys</source>
        <translation>API-Schlüssel</translation>
    </message>
    <message>
        <location line="+17" />
        <source>Test connection</source>
        <translation>Verbindung testen</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Test all</source>
        <translation>Alle testen</translation>
    </message>
    <message>
        <location line="+7" />
        <source>Connections</source>
        <translation>Verbindungen</translation>
    </message>
    <message>
        <location line="+72" />
        <source>Cannot store key</source>
        <translation>Schlüssel kann nicht gespeichert werden</translation>
    </message>
    <message>
        <location line="+5" />
        <source>Cannot clear key</source>
        <translation>Schlüssel kann nicht gelöscht werden</translation>
    </message>
    <message>
        <location line="+26" />
        <source>Deployment</source>
        <translation>Deployment</translation>
    </message>
    <message>
        <location line="+0" />
        <source>Endpoint</source>
        <translation>Endpunkt</translation>
    </message>
    <message>
        <location line="+0" />
        <source>Result</source>
        <translation>Ergebnis</translation>
    </message>
    <message>
        <location line="+3" />
        <source>not tested</source>
        <translation>nicht getestet</translation>
    </message>
    <message>
        <location line="+20" />
        <source>Set key</source>
        <translation>Schlüssel setzen</translation>
    </message>
    <message>
        <location line="+1" />
        <source>This reference reads the environment variable %1. Set it before starting the workbench, or change the deployment's key reference to keychain/NAME to keep the key in the keychain.</source>
        <translation>Dieser Verweis liest die Umgebungsvariable %1. Setzen Sie sie vor dem Start, oder ändern Sie den Schlüsselverweis des Deployments in keychain/NAME, um den Schlüssel im Schlüsselbund zu halten.</translation>
    </message>
    <message>
        <location line="+6" />
        <source>Set key %1</source>
        <translation>Schlüssel %1 setzen</translation>
    </message>
    <message>
        <location line="+1" />
        <source>API key for %1 (stored in the system keychain):</source>
        <translation>API-Schlüssel für %1 (wird im Schlüsselbund des Systems gespeichert):</translation>
    </message>
    <message>
        <location line="+14" />
        <source>Remove the key %1 from the keychain?</source>
        <translation>Den Schlüssel %1 aus dem Schlüsselbund entfernen?</translation>
    </message>
    <message>
        <location line="+16" />
        <location line="+9" />
        <source>testing…</source>
        <translation>wird getestet…</translation>
    </message>
</context>
<context>
    <name>wb::ui::MainWindow</name>
    <message>
        <location filename="../ui/mainwindow.cpp" line="+67" />
        <source>Models</source>
        <translation>Modelle</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Keys</source>
        <translation>Schlüssel</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Experiment</source>
        <translation>Experiment</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Estimate</source>
        <translation>Schätzung</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Run</source>
        <translation>Lauf</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Results</source>
        <translation>Ergebnisse</translation>
    </message>
    <message>
        <location line="+13" />
        <source>SIMULATED — results are not from real models. This model list points at the built-in provider simulator.</source>
        <translation>SIMULIERT — die Ergebnisse stammen nicht von echten Modellen. Diese Modellliste verweist auf den eingebauten Anbieter-Simulator.</translation>
    </message>
    <message>
        <location line="+39" />
        <source>Save before running?</source>
        <translation>Vor dem Lauf speichern?</translation>
    </message>
    <message>
        <location line="+1" />
        <source>The run uses the saved files. Save your changes now?</source>
        <translation>Der Lauf verwendet die gespeicherten Dateien. Änderungen jetzt speichern?</translation>
    </message>
    <message>
        <location line="+21" />
        <source>&amp;File</source>
        <translation>&amp;Datei</translation>
    </message>
    <message>
        <location line="+1" />
        <source>&amp;Open…</source>
        <translation>Ö&amp;ffnen…</translation>
    </message>
    <message>
        <location line="+2" />
        <source>Open &amp;Sample</source>
        <translation>&amp;Beispiel öffnen</translation>
    </message>
    <message>
        <location line="+4" />
        <source>Open &amp;Recent</source>
        <translation>&amp;Zuletzt geöffnet</translation>
    </message>
    <message>
        <location line="+2" />
        <source>&amp;Save</source>
        <translation>&amp;Speichern</translation>
    </message>
    <message>
        <location line="+2" />
        <source>Save &amp;As…</source>
        <translation>Speichern &amp;unter…</translation>
    </message>
    <message>
        <location line="+3" />
        <source>&amp;Quit</source>
        <translation>&amp;Beenden</translation>
    </message>
    <message>
        <location line="+3" />
        <source>&amp;Edit</source>
        <translation>&amp;Bearbeiten</translation>
    </message>
    <message>
        <location line="+1" />
        <source>&amp;Undo</source>
        <translation>&amp;Rückgängig</translation>
    </message>
    <message>
        <location line="+2" />
        <source>&amp;Redo</source>
        <translation>&amp;Wiederherstellen</translation>
    </message>
    <message>
        <location line="+5" />
        <source>&amp;Run</source>
        <translation>&amp;Lauf</translation>
    </message>
    <message>
        <location line="+1" />
        <source>&amp;Start</source>
        <translation>&amp;Starten</translation>
    </message>
    <message>
        <location line="+5" />
        <source>&amp;Pause / Resume</source>
        <translation>&amp;Pausieren / Fortsetzen</translation>
    </message>
    <message>
        <location line="+1" />
        <source>&amp;Cancel</source>
        <translation>&amp;Abbrechen</translation>
    </message>
    <message>
        <location line="+2" />
        <source>&amp;View</source>
        <translation>&amp;Ansicht</translation>
    </message>
    <message>
        <location line="+6" />
        <source>&amp;Help</source>
        <translation>&amp;Hilfe</translation>
    </message>
    <message>
        <location line="+1" />
        <source>&amp;About Discernus Workbench</source>
        <translation>&amp;Über Discernus Workbench</translation>
    </message>
    <message>
        <location line="+1" />
        <source>About Discernus Workbench</source>
        <translation>Über Discernus Workbench</translation>
    </message>
    <message>
        <location line="+1" />
        <source>&lt;h3&gt;Discernus Workbench %1&lt;/h3&gt;&lt;p&gt;Run multi-LLM text-analysis experiments through a rate-limit-aware router, and browse and export the results.&lt;/p&gt;</source>
        <translation>&lt;h3&gt;Discernus Workbench %1&lt;/h3&gt;&lt;p&gt;Textanalyse-Experimente mit mehreren Sprachmodellen über einen Router durchführen, der die Ratenlimits beachtet, und die Ergebnisse durchsuchen und exportieren.&lt;/p&gt;</translation>
    </message>
    <message>
        <location line="+24" />
        <source>Discernus Workbench</source>
        <translation>Discernus Workbench</translation>
    </message>
    <message>
        <location line="+1" />
        <source>No project open</source>
        <translation>Kein Projekt geöffnet</translation>
    </message>
    <message>
        <location line="+3" />
        <source>%1[*] — Discernus Workbench</source>
        <translation>%1[*] — Discernus Workbench</translation>
    </message>
    <message numerus="yes">
        <location line="+3" />
        <source>%1  ·  %n deployment(s)</source>
        <translation><numerusform>%1  ·  %n Deployment</numerusform><numerusform>%1  ·  %n Deployments</numerusform></translation>
    </message>
    <message numerus="yes">
        <location line="+2" />
        <source>, %n run(s)</source>
        <translation><numerusform>, %n Lauf</numerusform><numerusform>, %n Läufe</numerusform></translation>
    </message>
    <message>
        <location line="+1" />
        <source>  ·  simulated</source>
        <translation>  ·  simuliert</translation>
    </message>
    <message>
        <location line="+8" />
        <source>Cannot open project</source>
        <translation>Projekt kann nicht geöffnet werden</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Cannot open %1: %2</source>
        <translation>%1 kann nicht geöffnet werden: %2</translation>
    </message>
    <message>
        <location line="+24" />
        <source>No sample</source>
        <translation>Kein Beispiel</translation>
    </message>
    <message>
        <location line="+0" />
        <source>The bundled sample project was not found.</source>
        <translation>Das mitgelieferte Beispielprojekt wurde nicht gefunden.</translation>
    </message>
    <message>
        <location line="+19" />
        <source>Open experiment</source>
        <translation>Experiment öffnen</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Experiment (experiment.yaml *.yaml *.yml)</source>
        <translation>Experiment (experiment.yaml *.yaml *.yml)</translation>
    </message>
    <message>
        <location line="+11" />
        <location line="+21" />
        <source>Cannot save</source>
        <translation>Speichern nicht möglich</translation>
    </message>
    <message>
        <location line="-14" />
        <location line="+20" />
        <source>Saved; comments from the original file were kept in %1</source>
        <translation>Gespeichert; die Kommentare der ursprünglichen Datei wurden in %1 aufbewahrt</translation>
    </message>
    <message>
        <location line="-18" />
        <source>Saved</source>
        <translation>Gespeichert</translation>
    </message>
    <message>
        <location line="+7" />
        <source>Save project into folder</source>
        <translation>Projekt in Ordner speichern</translation>
    </message>
    <message>
        <location line="+20" />
        <source>Unsaved changes</source>
        <translation>Ungespeicherte Änderungen</translation>
    </message>
    <message>
        <location line="+1" />
        <source>The project "%1" has unsaved changes.</source>
        <translation>Das Projekt „%1“ hat ungespeicherte Änderungen.</translation>
    </message>
    <message>
        <location line="+3" />
        <source>Save them before continuing?</source>
        <translation>Vor dem Fortfahren speichern?</translation>
    </message>
    <message>
        <location line="+13" />
        <location line="+17" />
        <source>A run is in progress</source>
        <translation>Ein Lauf ist im Gange</translation>
    </message>
    <message>
        <location line="-16" />
        <source>Opening another project cancels the run. It can be resumed later. Continue?</source>
        <translation>Beim Öffnen eines anderen Projekts wird der Lauf abgebrochen. Er kann später fortgesetzt werden. Fortfahren?</translation>
    </message>
    <message>
        <location line="+17" />
        <source>Cancel the run and quit? It can be resumed later.</source>
        <translation>Den Lauf abbrechen und beenden? Er kann später fortgesetzt werden.</translation>
    </message>
    <message>
        <location line="+21" />
        <source>Run finished: %1 done, %2 failed</source>
        <translation>Lauf beendet: %1 fertig, %2 fehlgeschlagen</translation>
    </message>
    <message>
        <location line="+2" />
        <source>Run could not start: %1</source>
        <translation>Lauf konnte nicht starten: %1</translation>
    </message>
</context>
<context>
    <name>wb::ui::MatrixModel</name>
    <message>
        <location filename="../ui/matrixmodel.cpp" line="+45" />
        <source>A run id is required</source>
        <translation>Eine Lauf-Kennung ist erforderlich</translation>
    </message>
    <message>
        <location line="+5" />
        <source>Run ids must be unique</source>
        <translation>Lauf-Kennungen müssen eindeutig sein</translation>
    </message>
    <message>
        <location line="+5" />
        <source>No model group "%1" in the model list</source>
        <translation>Keine Modellgruppe „%1“ in der Modellliste</translation>
    </message>
    <message>
        <location line="+4" />
        <source>No framework "%1" in the experiment</source>
        <translation>Kein Framework „%1“ im Experiment</translation>
    </message>
    <message>
        <location line="+4" />
        <source>No corpus source "%1" in the experiment</source>
        <translation>Keine Korpusquelle „%1“ im Experiment</translation>
    </message>
    <message>
        <location line="+25" />
        <source>%1 (default)</source>
        <translation>%1 (Standard)</translation>
    </message>
    <message>
        <location line="+18" />
        <source>Globs on text ids, comma separated; empty = every text</source>
        <translation>Muster für Text-Kennungen, durch Kommas getrennt; leer = alle Texte</translation>
    </message>
    <message>
        <location line="+17" />
        <source>Run id</source>
        <translation>Lauf-Kennung</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Model group</source>
        <translation>Modellgruppe</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Framework</source>
        <translation>Framework</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Corpus</source>
        <translation>Korpus</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Include</source>
        <translation>Einschließen</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Limit</source>
        <translation>Limit</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Repetitions</source>
        <translation>Wiederholungen</translation>
    </message>
    <message>
        <location line="+55" />
        <source>Edit run %1</source>
        <translation>Lauf %1 bearbeiten</translation>
    </message>
    <message>
        <location line="+21" />
        <source>Add run %1</source>
        <translation>Lauf %1 hinzufügen</translation>
    </message>
    <message numerus="yes">
        <location line="+19" />
        <source>Remove %n run(s)</source>
        <translation><numerusform>%n Lauf entfernen</numerusform><numerusform>%n Läufe entfernen</numerusform></translation>
    </message>
</context>
<context>
    <name>wb::ui::ModelListEditor</name>
    <message>
        <location filename="../ui/modellisteditor.cpp" line="+108" />
        <source>Add deployment</source>
        <translation>Deployment hinzufügen</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Add model group…</source>
        <translation>Modellgruppe hinzufügen…</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Duplicate</source>
        <translation>Duplizieren</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Remove</source>
        <translation>Entfernen</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Add a deployment to the selected model group (e.g. a second API key)</source>
        <translation>Ein Deployment zur gewählten Modellgruppe hinzufügen (z. B. einen zweiten API-Schlüssel)</translation>
    </message>
    <message>
        <location line="+25" />
        <location line="+5" />
        <source> s</source>
        <translation> s</translation>
    </message>
    <message>
        <location line="+2" />
        <source>group: fallback1, fallback2; other-group: fallback</source>
        <translation>gruppe: ausweich1, ausweich2; andere-gruppe: ausweich</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Limit spend to</source>
        <translation>Ausgaben begrenzen auf</translation>
    </message>
    <message>
        <location line="+7" />
        <source>lifetime</source>
        <translation>unbegrenzt</translation>
    </message>
    <message>
        <location line="+4" />
        <source>Router</source>
        <translation>Router</translation>
    </message>
    <message>
        <location line="+2" />
        <source>Routing strategy</source>
        <translation>Routing-Strategie</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Retries</source>
        <translation>Wiederholungen</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Timeout per call</source>
        <translation>Zeitlimit pro Aufruf</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Allowed fails per minute</source>
        <translation>Erlaubte Fehler pro Minute</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Cooldown</source>
        <translation>Abkühlzeit</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Fallbacks</source>
        <translation>Ausweichmodelle</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Budget</source>
        <translation>Budget</translation>
    </message>
    <message>
        <location line="+6" />
        <source>Period</source>
        <translation>Zeitraum</translation>
    </message>
    <message>
        <location line="+7" />
        <source>&lt;b&gt;Deployments&lt;/b&gt; — each row is one API endpoint and key; rows with the same model group share its traffic.</source>
        <translation>&lt;b&gt;Deployments&lt;/b&gt; — jede Zeile ist ein API-Endpunkt mit Schlüssel; Zeilen derselben Modellgruppe teilen sich deren Last.</translation>
    </message>
    <message numerus="yes">
        <location line="+68" />
        <source>%n problem(s):</source>
        <translation><numerusform>%n Problem:</numerusform><numerusform>%n Probleme:</numerusform></translation>
    </message>
    <message numerus="yes">
        <location line="+2" />
        <source> (and %n more — hover the highlighted cells)</source>
        <translation><numerusform> (und %n weiteres — Mauszeiger über die markierten Zellen)</numerusform><numerusform> (und %n weitere — Mauszeiger über die markierten Zellen)</numerusform></translation>
    </message>
    <message>
        <location line="+26" />
        <source>Change router settings</source>
        <translation>Router-Einstellungen ändern</translation>
    </message>
    <message>
        <location line="+25" />
        <source>Add model group</source>
        <translation>Modellgruppe hinzufügen</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Name experiments use for this model (model_name):</source>
        <translation>Name, unter dem Experimente dieses Modell ansprechen (model_name):</translation>
    </message>
</context>
<context>
    <name>wb::ui::Project</name>
    <message>
        <location filename="../ui/project.cpp" line="+107" />
        <source>No model list (litellm_config.yaml) next to the experiment</source>
        <translation>Keine Modellliste (litellm_config.yaml) neben dem Experiment</translation>
    </message>
    <message>
        <location line="+52" />
        <source>Cannot keep a copy of the original file with its comments</source>
        <translation>Die Kopie der ursprünglichen Datei mit ihren Kommentaren kann nicht angelegt werden</translation>
    </message>
    <message>
        <location line="+9" />
        <source>No project is open</source>
        <translation>Kein Projekt geöffnet</translation>
    </message>
    <message>
        <location line="+18" />
        <source>Cannot create the folder</source>
        <translation>Der Ordner kann nicht angelegt werden</translation>
    </message>
    <message>
        <location line="+48" />
        <source>A framework with id "%1" is already part of the experiment</source>
        <translation>Ein Framework mit der Kennung „%1“ gehört bereits zum Experiment</translation>
    </message>
    <message>
        <location line="+4" />
        <source>Add framework %1</source>
        <translation>Framework %1 hinzufügen</translation>
    </message>
</context>
<context>
    <name>wb::ui::ResultsModel</name>
    <message>
        <location filename="../ui/resultsmodel.cpp" line="+15" />
        <source>pending</source>
        <translation>offen</translation>
    </message>
    <message>
        <location line="+1" />
        <source>in flight</source>
        <translation>laufend</translation>
    </message>
    <message>
        <location line="+1" />
        <source>done</source>
        <translation>fertig</translation>
    </message>
    <message>
        <location line="+1" />
        <source>failed</source>
        <translation>fehlgeschlagen</translation>
    </message>
    <message>
        <location line="+41" />
        <location line="+21" />
        <source>The results database cannot be opened</source>
        <translation>Die Ergebnisdatenbank kann nicht geöffnet werden</translation>
    </message>
    <message>
        <location line="+70" />
        <source>%1 ms</source>
        <translation>%1 ms</translation>
    </message>
    <message>
        <location line="+26" />
        <source>Job</source>
        <translation>Job</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Run</source>
        <translation>Lauf</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Model group</source>
        <translation>Modellgruppe</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Framework</source>
        <translation>Framework</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Text</source>
        <translation>Text</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Rep.</source>
        <translation>Wdh.</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Status</source>
        <translation>Status</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Scores</source>
        <translation>Bewertungen</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Deployment</source>
        <translation>Deployment</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Provider</source>
        <translation>Anbieter</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Model version</source>
        <translation>Modellversion</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Prompt tokens</source>
        <translation>Prompt-Tokens</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Completion tokens</source>
        <translation>Ausgabe-Tokens</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Cost</source>
        <translation>Kosten</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Latency</source>
        <translation>Latenz</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Attempts</source>
        <translation>Versuche</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Error</source>
        <translation>Fehler</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Completed</source>
        <translation>Abgeschlossen</translation>
    </message>
</context>
<context>
    <name>wb::ui::ResultsView</name>
    <message>
        <location filename="../ui/resultsview.cpp" line="+59" />
        <source>any status</source>
        <translation>jeder Status</translation>
    </message>
    <message>
        <location line="+1" />
        <source>done</source>
        <translation>fertig</translation>
    </message>
    <message>
        <location line="+1" />
        <source>failed</source>
        <translation>fehlgeschlagen</translation>
    </message>
    <message>
        <location line="+1" />
        <source>pending</source>
        <translation>offen</translation>
    </message>
    <message>
        <location line="+1" />
        <source>in flight</source>
        <translation>laufend</translation>
    </message>
    <message>
        <location line="+3" />
        <source>Text id contains…</source>
        <translation>Text-Kennung enthält…</translation>
    </message>
    <message>
        <location line="+6" />
        <source>Refresh</source>
        <translation>Aktualisieren</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Long format</source>
        <translation>Langformat</translation>
    </message>
    <message>
        <location line="+1" />
        <source>One row per job and dimension, with the evidence</source>
        <translation>Eine Zeile je Job und Dimension, mit Beleg</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Export CSV…</source>
        <translation>CSV exportieren…</translation>
    </message>
    <message>
        <location line="+2" />
        <source>Exports every result in the database, not only the rows the filters show</source>
        <translation>Exportiert alle Ergebnisse der Datenbank, nicht nur die gefilterten Zeilen</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Open database…</source>
        <translation>Datenbank öffnen…</translation>
    </message>
    <message>
        <location line="+4" />
        <source>Run</source>
        <translation>Lauf</translation>
    </message>
    <message>
        <location line="+2" />
        <source>Model</source>
        <translation>Modell</translation>
    </message>
    <message>
        <location line="+31" />
        <source>Select a result to see its scores, calls and raw response.</source>
        <translation>Ein Ergebnis auswählen, um Bewertungen, Aufrufe und Rohantwort zu sehen.</translation>
    </message>
    <message>
        <location line="+3" />
        <source>Mean score per dimension</source>
        <translation>Mittlere Bewertung je Dimension</translation>
    </message>
    <message>
        <location line="+35" />
        <source>counting…</source>
        <translation>wird gezählt…</translation>
    </message>
    <message>
        <location line="+0" />
        <source>%1 results</source>
        <translation>%1 Ergebnisse</translation>
    </message>
    <message>
        <location line="+4" />
        <source>Error: %1</source>
        <translation>Fehler: %1</translation>
    </message>
    <message>
        <location line="+21" />
        <source>No results yet — run the experiment first</source>
        <translation>Noch keine Ergebnisse — zuerst das Experiment ausführen</translation>
    </message>
    <message>
        <location line="+14" />
        <source>Open results database</source>
        <translation>Ergebnisdatenbank öffnen</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Results databases (*.sqlite *.db);;All files (*)</source>
        <translation>Ergebnisdatenbanken (*.sqlite *.db);;Alle Dateien (*)</translation>
    </message>
    <message>
        <location line="+37" />
        <source>all runs</source>
        <translation>alle Läufe</translation>
    </message>
    <message>
        <location line="+1" />
        <source>all models</source>
        <translation>alle Modelle</translation>
    </message>
    <message>
        <location line="+78" />
        <source>The results database cannot be opened</source>
        <translation>Die Ergebnisdatenbank kann nicht geöffnet werden</translation>
    </message>
    <message>
        <location line="+18" />
        <source>repetition %1</source>
        <translation>Wiederholung %1</translation>
    </message>
    <message>
        <location line="+1" />
        <source>&lt;b&gt;Status:&lt;/b&gt; %1 &amp;nbsp; &lt;b&gt;Model:&lt;/b&gt; %2 (%3, %4) &amp;nbsp; &lt;b&gt;Attempts:&lt;/b&gt; %5</source>
        <translation>&lt;b&gt;Status:&lt;/b&gt; %1 &amp;nbsp; &lt;b&gt;Modell:&lt;/b&gt; %2 (%3, %4) &amp;nbsp; &lt;b&gt;Versuche:&lt;/b&gt; %5</translation>
    </message>
    <message>
        <location line="+5" />
        <source>&lt;b&gt;Error:&lt;/b&gt; %1</source>
        <translation>&lt;b&gt;Fehler:&lt;/b&gt; %1</translation>
    </message>
    <message>
        <location line="+3" />
        <source>Dimension</source>
        <translation>Dimension</translation>
    </message>
    <message>
        <location line="+0" />
        <source>Score</source>
        <translation>Wert</translation>
    </message>
    <message>
        <location line="+0" />
        <source>Evidence</source>
        <translation>Beleg</translation>
    </message>
    <message>
        <location line="+7" />
        <source>Calls</source>
        <translation>Aufrufe</translation>
    </message>
    <message>
        <location line="+3" />
        <source>%1 · HTTP %2 · %3 + %4 tokens · $%5 · %6 ms%7</source>
        <translation>%1 · HTTP %2 · %3 + %4 Tokens · $%5 · %6 ms%7</translation>
    </message>
    <message>
        <location line="+10" />
        <source>Raw response (attempt %1)</source>
        <translation>Rohantwort (Versuch %1)</translation>
    </message>
    <message>
        <location line="+9" />
        <location line="+15" />
        <source>Export CSV</source>
        <translation>CSV exportieren</translation>
    </message>
    <message>
        <location line="-15" />
        <location line="+26" />
        <source>There are no results to export yet.</source>
        <translation>Es gibt noch keine Ergebnisse zum Exportieren.</translation>
    </message>
    <message>
        <location line="-23" />
        <source>Export results</source>
        <translation>Ergebnisse exportieren</translation>
    </message>
    <message>
        <location line="+2" />
        <source>CSV (*.csv)</source>
        <translation>CSV (*.csv)</translation>
    </message>
    <message>
        <location line="+10" />
        <source>The export failed: %1</source>
        <translation>Der Export ist fehlgeschlagen: %1</translation>
    </message>
    <message>
        <source>Exporting results to %1…</source>
        <translation>Ergebnisse werden nach %1 exportiert…</translation>
    </message>
    <message>
        <location line="+20" />
        <source>Cancel</source>
        <translation>Abbrechen</translation>
    </message>
    <message>
        <location line="+0" />
        <source>Exporting all results of the database (filters do not apply) to %1…</source>
        <translation>Alle Ergebnisse der Datenbank (ohne Filter) werden nach %1 exportiert…</translation>
    </message>
    <message numerus="yes">
        <location line="+29" />
        <source>Exported %n row(s) to %1</source>
        <translation><numerusform>%n Zeile nach %1 exportiert</numerusform><numerusform>%n Zeilen nach %1 exportiert</numerusform></translation>
    </message>
</context>
<context>
    <name>wb::ui::RunMonitor</name>
    <message>
        <location filename="../ui/runmonitor.cpp" line="+63" />
        <source>SIMULATED — results are not from real models</source>
        <translation>SIMULIERT — die Ergebnisse stammen nicht von echten Modellen</translation>
    </message>
    <message>
        <location line="+7" />
        <source>Browse…</source>
        <translation>Durchsuchen…</translation>
    </message>
    <message>
        <location line="+2" />
        <source>Results database</source>
        <translation>Ergebnisdatenbank</translation>
    </message>
    <message>
        <location line="+1" />
        <source>SQLite database (*.sqlite *.db)</source>
        <translation>SQLite-Datenbank (*.sqlite *.db)</translation>
    </message>
    <message>
        <location line="+5" />
        <source>Resume (only jobs not done yet)</source>
        <translation>Fortsetzen (nur noch offene Jobs)</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Start</source>
        <translation>Starten</translation>
    </message>
    <message>
        <location line="+1" />
        <location line="+191" />
        <source>Pause</source>
        <translation>Pausieren</translation>
    </message>
    <message>
        <location line="-190" />
        <source>Cancel</source>
        <translation>Abbrechen</translation>
    </message>
    <message>
        <location line="+9" />
        <source>Database</source>
        <translation>Datenbank</translation>
    </message>
    <message>
        <location line="+11" />
        <source>%v / %m jobs (%p%)</source>
        <translation>%v / %m Jobs (%p %)</translation>
    </message>
    <message>
        <location line="+13" />
        <source>Providers</source>
        <translation>Anbieter</translation>
    </message>
    <message>
        <location line="+8" />
        <source>Deployments</source>
        <translation>Deployments</translation>
    </message>
    <message>
        <location line="+8" />
        <source>Spend vs budget</source>
        <translation>Ausgaben und Budget</translation>
    </message>
    <message>
        <location line="+4" />
        <source>Spend (USD)</source>
        <translation>Ausgaben (USD)</translation>
    </message>
    <message>
        <location line="+2" />
        <source>Budget</source>
        <translation>Budget</translation>
    </message>
    <message>
        <location line="+8" />
        <source>Elapsed (s)</source>
        <translation>Vergangen (s)</translation>
    </message>
    <message>
        <location line="+3" />
        <source>USD</source>
        <translation>USD</translation>
    </message>
    <message>
        <location line="+19" />
        <source>Events</source>
        <translation>Ereignisse</translation>
    </message>
    <message numerus="yes">
        <location line="+31" />
        <source>Run started: %n job(s)</source>
        <translation><numerusform>Lauf gestartet: %n Job</numerusform><numerusform>Lauf gestartet: %n Jobs</numerusform></translation>
    </message>
    <message>
        <location line="+3" />
        <source>Budget warning: %1 % of the budget is spent</source>
        <translation>Budgetwarnung: %1 % des Budgets sind ausgegeben</translation>
    </message>
    <message>
        <location line="+53" />
        <source>unknown</source>
        <translation>unbekannt</translation>
    </message>
    <message>
        <location line="+3" />
        <source>%1 s</source>
        <translation>%1 s</translation>
    </message>
    <message>
        <location line="+2" />
        <source>%1 min %2 s</source>
        <translation>%1 min %2 s</translation>
    </message>
    <message>
        <location line="+1" />
        <source>%1 h %2 min</source>
        <translation>%1 h %2 min</translation>
    </message>
    <message>
        <location line="+12" />
        <location line="+40" />
        <source>Resume</source>
        <translation>Fortsetzen</translation>
    </message>
    <message>
        <location line="-5" />
        <source>Results database exists</source>
        <translation>Ergebnisdatenbank existiert bereits</translation>
    </message>
    <message>
        <location line="+1" />
        <source>%1 already holds results of an earlier run.

Resume runs only the jobs that are not done yet; a new database starts from scratch.</source>
        <translation>%1 enthält bereits Ergebnisse eines früheren Laufs.

Fortsetzen führt nur die noch nicht erledigten Aufträge aus; eine neue Datenbank beginnt von vorn.</translation>
    </message>
    <message>
        <location line="+5" />
        <source>Use a new database</source>
        <translation>Neue Datenbank verwenden</translation>
    </message>
    <message>
        <location line="+42" />
        <source>Starting %1 → %2</source>
        <translation>Starte %1 → %2</translation>
    </message>
    <message>
        <location line="+13" />
        <source>Paused: no new calls are sent; calls in flight finish</source>
        <translation>Pausiert: keine neuen Aufrufe; laufende Aufrufe werden beendet</translation>
    </message>
    <message>
        <location line="+10" />
        <source>Resumed</source>
        <translation>Fortgesetzt</translation>
    </message>
    <message>
        <location line="+8" />
        <source>Cancelling… (the run can be resumed later)</source>
        <translation>Wird abgebrochen… (der Lauf kann später fortgesetzt werden)</translation>
    </message>
    <message numerus="yes">
        <location line="+20" />
        <source>… %n more event(s) not shown</source>
        <translation><numerusform>… %n weiteres Ereignis nicht angezeigt</numerusform><numerusform>… %n weitere Ereignisse nicht angezeigt</numerusform></translation>
    </message>
    <message>
        <location line="+19" />
        <source>paused</source>
        <translation>pausiert</translation>
    </message>
    <message>
        <location line="+2" />
        <location line="+2" />
        <source>ETA %1</source>
        <translation>Restzeit %1</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Elapsed %1 · %2</source>
        <translation>Vergangen %1 · %2</translation>
    </message>
    <message>
        <location line="+13" />
        <source>&lt;b&gt;Done&lt;/b&gt; %1 &amp;nbsp; &lt;b&gt;Failed&lt;/b&gt; %2 &amp;nbsp; &lt;b&gt;Queued&lt;/b&gt; %3 &amp;nbsp; &lt;b&gt;In flight&lt;/b&gt; %4 &amp;nbsp; &lt;b&gt;Calls&lt;/b&gt; %5 &amp;nbsp; &lt;b&gt;429s&lt;/b&gt; %6 &amp;nbsp; &lt;b&gt;Retries&lt;/b&gt; %7 &amp;nbsp; &lt;b&gt;Fallbacks&lt;/b&gt; %8 &amp;nbsp; &lt;b&gt;Spend&lt;/b&gt; $%9</source>
        <translation>&lt;b&gt;Fertig&lt;/b&gt; %1 &amp;nbsp; &lt;b&gt;Fehlgeschlagen&lt;/b&gt; %2 &amp;nbsp; &lt;b&gt;Wartend&lt;/b&gt; %3 &amp;nbsp; &lt;b&gt;Laufend&lt;/b&gt; %4 &amp;nbsp; &lt;b&gt;Aufrufe&lt;/b&gt; %5 &amp;nbsp; &lt;b&gt;429er&lt;/b&gt; %6 &amp;nbsp; &lt;b&gt;Wiederholungen&lt;/b&gt; %7 &amp;nbsp; &lt;b&gt;Ausweichmodelle&lt;/b&gt; %8 &amp;nbsp; &lt;b&gt;Ausgaben&lt;/b&gt; $%9</translation>
    </message>
    <message>
        <location line="+5" />
        <source>Queue depth by model group — %1</source>
        <translation>Warteschlange je Modellgruppe — %1</translation>
    </message>
    <message>
        <location line="+43" />
        <source>Could not run: %1</source>
        <translation>Lauf nicht möglich: %1</translation>
    </message>
    <message>
        <location line="+2" />
        <source>Finished: %1 done, %2 failed, %3 calls, %4 429s, $%5 in %6%7</source>
        <translation>Beendet: %1 fertig, %2 fehlgeschlagen, %3 Aufrufe, %4 429er, $%5 in %6%7</translation>
    </message>
    <message>
        <location line="+4" />
        <source> — cancelled</source>
        <translation> — abgebrochen</translation>
    </message>
    <message>
        <location line="+0" />
        <source> — stopped by the budget</source>
        <translation> — durch das Budget gestoppt</translation>
    </message>
</context>
</TS>