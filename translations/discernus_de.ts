<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="de_DE">
<context>
    <name>QPlatformTheme</name>
    <message>
        <location filename="../ui/uisettings.cpp" line="+30"/>
        <source>OK</source>
        <translation>OK</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Save</source>
        <translation>Speichern</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Save All</source>
        <translation>Alles speichern</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Open</source>
        <translation>Öffnen</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>&amp;Yes</source>
        <translation>&amp;Ja</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Yes to &amp;All</source>
        <translation>Ja, &amp;alle</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>&amp;No</source>
        <translation>&amp;Nein</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>N&amp;o to All</source>
        <translation>N&amp;ein, keine</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Abort</source>
        <translation>Abbrechen</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Retry</source>
        <translation>Wiederholen</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Ignore</source>
        <translation>Ignorieren</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Close</source>
        <translation>Schließen</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Cancel</source>
        <translation>Abbrechen</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Discard</source>
        <translation>Verwerfen</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Help</source>
        <translation>Hilfe</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Apply</source>
        <translation>Anwenden</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Reset</source>
        <translation>Zurücksetzen</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Restore Defaults</source>
        <translation>Voreinstellungen</translation>
    </message>
</context>
<context>
    <name>wb::ui::AddDeploymentDialog</name>
    <message>
        <location filename="../ui/adddeploymentdialog.cpp" line="+38"/>
        <source>Add model group</source>
        <translation>Modellgruppe hinzufügen</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Add deployment</source>
        <translation>Deployment hinzufügen</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>name the experiment uses, e.g. gpt-4o-mini</source>
        <translation>Name, den das Experiment verwendet, z. B. gpt-4o-mini</translation>
    </message>
    <message>
        <location line="+15"/>
        <source>none</source>
        <translation>keins</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>Model group</source>
        <translation>Modellgruppe</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Provider</source>
        <translation>Anbieter</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Model</source>
        <translation>Modell</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Key reference</source>
        <translation>Schlüsselverweis</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Requests per minute</source>
        <translation>Anfragen pro Minute</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Tokens per minute</source>
        <translation>Tokens pro Minute</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>This project runs against the built-in simulator: the new deployment points at it too.</source>
        <translation>Dieses Projekt läuft gegen den eingebauten Simulator: Das neue Deployment zeigt ebenfalls darauf.</translation>
    </message>
    <message>
        <location line="+75"/>
        <source>Name the model group: the experiment&apos;s runs refer to it.</source>
        <translation>Benennen Sie die Modellgruppe: Die Läufe des Experiments verweisen darauf.</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Choose or type the provider&apos;s model id.</source>
        <translation>Wählen oder tippen Sie die Modell-ID des Anbieters.</translation>
    </message>
    <message>
        <location line="+14"/>
        <source>Price: %1 input, %2 output per million tokens (%3)</source>
        <translation>Preis: %1 Eingabe, %2 Ausgabe je Million Tokens (%3)</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>No price known for this model: its calls would count as $0 against the budget.</source>
        <translation>Für dieses Modell ist kein Preis bekannt: Seine Aufrufe würden mit 0 $ auf das Budget angerechnet.</translation>
    </message>
</context>
<context>
    <name>wb::ui::CompareView</name>
    <message>
        <location filename="../ui/compareview.cpp" line="+88"/>
        <source>Scores of each dimension per model</source>
        <translation>Werte jeder Dimension je Modell</translation>
    </message>
    <message>
        <location line="+20"/>
        <source>x:</source>
        <translation>x:</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>y:</source>
        <translation>y:</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>One model&apos;s scores against another&apos;s, per text</source>
        <translation>Die Werte eines Modells gegen die eines anderen, je Text</translation>
    </message>
    <message>
        <location line="+33"/>
        <location line="+42"/>
        <source>Error: %1</source>
        <translation>Fehler: %1</translation>
    </message>
    <message>
        <location line="-49"/>
        <location line="+84"/>
        <source>No finished scores under these filters.</source>
        <translation>Keine fertigen Bewertungen unter diesen Filtern.</translation>
    </message>
    <message>
        <location line="-82"/>
        <source>%1 texts; per model the mean over repetitions. The redder a spread cell, the more the models disagree.</source>
        <translation>%1 Texte; je Modell der Mittelwert über die Wiederholungen. Je röter eine Spannweiten-Zelle, desto uneiniger sind die Modelle.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Counting</source>
        <translation>Zählung läuft:</translation>
    </message>
    <message>
        <location line="+14"/>
        <source>Box plots</source>
        <translation>Boxplots</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Scatter</source>
        <translation>Streudiagramm</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Pivot</source>
        <translation>Pivot</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>Reading texts…</source>
        <translation>Texte werden gelesen…</translation>
    </message>
    <message>
        <location line="+9"/>
        <location line="+1"/>
        <source>Computing…</source>
        <translation>Wird berechnet…</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>The results database cannot be opened</source>
        <translation>Die Ergebnisdatenbank kann nicht geöffnet werden</translation>
    </message>
    <message>
        <location line="+37"/>
        <source>From %1 of %2 texts (evenly spaced); per text and model the mean over repetitions.</source>
        <translation>Aus %1 von %2 Texten (gleichmäßig verteilt); je Text und Modell der Mittelwert über die Wiederholungen.</translation>
    </message>
    <message>
        <location line="-2"/>
        <source>From all %1 texts; per text and model the mean over repetitions.</source>
        <translation>Aus allen %1 Texten; je Text und Modell der Mittelwert über die Wiederholungen.</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>From a sample of %1 texts spread evenly over the results; per text and model the mean over repetitions.</source>
        <translation>Aus einer Stichprobe von %1 Texten, gleichmäßig über die Ergebnisse verteilt; je Text und Modell der Mittelwert über die Wiederholungen.</translation>
    </message>
    <message>
        <location line="+86"/>
        <source>texts</source>
        <translation>Texte</translation>
    </message>
    <message>
        <location line="+16"/>
        <source>agreement (y = x)</source>
        <translation>Übereinstimmung (y = x)</translation>
    </message>
    <message numerus="yes">
        <location line="+22"/>
        <source>%n text(s) scored by both; Pearson r = %1, Spearman ρ = %2.</source>
        <translation>
            <numerusform>%n Text von beiden bewertet; Pearson r = %1, Spearman ρ = %2.</numerusform>
            <numerusform>%n Texte von beiden bewertet; Pearson r = %1, Spearman ρ = %2.</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>wb::ui::ConnectionTester</name>
    <message>
        <location filename="../ui/connectiontester.cpp" line="+26"/>
        <source>No answer within %1 s</source>
        <translation>Keine Antwort innerhalb von %1 s</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>OK — %1 answered in %2 ms</source>
        <translation>OK — %1 hat in %2 ms geantwortet</translation>
    </message>
</context>
<context>
    <name>wb::ui::CorpusBrowser</name>
    <message>
        <location filename="../ui/corpusbrowser.cpp" line="+134"/>
        <source>Corpus %1</source>
        <translation>Korpus %1</translation>
    </message>
    <message>
        <location line="+20"/>
        <source>Search ids and texts…</source>
        <translation>Kennungen und Texte durchsuchen…</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Loading…</source>
        <translation>Wird geladen…</translation>
    </message>
    <message>
        <location line="+14"/>
        <source>Select a text to read it.</source>
        <translation>Einen Text auswählen, um ihn zu lesen.</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>Preview prompt</source>
        <translation>Prompt-Vorschau</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Shows exactly what a run sends for the selected text: built by the runner&apos;s own code</source>
        <translation>Zeigt genau, was ein Lauf für den ausgewählten Text sendet: erzeugt vom Code des Laufs selbst</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Select a text, a framework and a model, then press Preview prompt.</source>
        <translation>Einen Text, ein Framework und ein Modell wählen, dann „Prompt-Vorschau“ drücken.</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Framework</source>
        <translation>Framework</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Model</source>
        <translation>Modell</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Text</source>
        <translation>Text</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Prompt preview</source>
        <translation>Prompt-Vorschau</translation>
    </message>
    <message numerus="yes">
        <location line="+32"/>
        <source>%n text(s); counting tokens…</source>
        <translation>
            <numerusform>%n Text; Tokens werden gezählt…</numerusform>
            <numerusform>%n Texte; Tokens werden gezählt…</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location line="+15"/>
        <source>%n text(s), %1 tokens (o200k_base)</source>
        <translation>
            <numerusform>%n Text, %1 Tokens (o200k_base)</numerusform>
            <numerusform>%n Texte, %1 Tokens (o200k_base)</numerusform>
        </translation>
    </message>
    <message>
        <location line="+94"/>
        <source>Select a text, a framework and a model first.</source>
        <translation>Zuerst einen Text, ein Framework und ein Modell wählen.</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>Building the prompt…</source>
        <translation>Prompt wird erzeugt…</translation>
    </message>
    <message>
        <location line="+15"/>
        <source>&lt;b&gt;%1&lt;/b&gt; to &lt;b&gt;%2&lt;/b&gt; (%3, %4) · temperature %5 · max_tokens %6</source>
        <translation>&lt;b&gt;%1&lt;/b&gt; an &lt;b&gt;%2&lt;/b&gt; (%3, %4) · Temperatur %5 · max_tokens %6</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>&lt;b&gt;Prompt tokens:&lt;/b&gt; %1 (%2)</source>
        <translation>&lt;b&gt;Prompt-Tokens:&lt;/b&gt; %1 (%2)</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>&lt;b&gt;Price:&lt;/b&gt; %1 for the prompt, at most %2 with a full reply (%3 prices)</source>
        <translation>&lt;b&gt;Preis:&lt;/b&gt; %1 für den Prompt, höchstens %2 mit vollständiger Antwort (Preise: %3)</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>&lt;b&gt;Price:&lt;/b&gt; unknown (no price for this model)</source>
        <translation>&lt;b&gt;Preis:&lt;/b&gt; unbekannt (kein Preis für dieses Modell)</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>System</source>
        <translation>System</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>User</source>
        <translation>Benutzer</translation>
    </message>
</context>
<context>
    <name>wb::ui::CorpusModel</name>
    <message>
        <location filename="../ui/corpusmodel.cpp" line="+53"/>
        <source>Folder</source>
        <translation>Ordner</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>CSV</source>
        <translation>CSV</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>JSONL</source>
        <translation>JSONL</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Text file</source>
        <translation>Textdatei</translation>
    </message>
    <message>
        <location line="+95"/>
        <source>counting…</source>
        <translation>wird gezählt…</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>error</source>
        <translation>Fehler</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>o200k_base tokens of the texts alone (prompts add instructions and framing)</source>
        <translation>o200k_base-Tokens nur der Texte (Prompts fügen Anweisungen und Rahmen hinzu)</translation>
    </message>
    <message>
        <location line="+13"/>
        <source>Id</source>
        <translation>Kennung</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Kind</source>
        <translation>Art</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Path</source>
        <translation>Pfad</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Texts</source>
        <translation>Texte</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Tokens</source>
        <translation>Tokens</translation>
    </message>
    <message>
        <location line="+21"/>
        <source>A corpus source needs an id: the runs refer to it.</source>
        <translation>Eine Korpusquelle braucht eine ID: Die Läufe verweisen darauf.</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Another corpus source is already called &quot;%1&quot;.</source>
        <translation>Eine andere Korpusquelle heißt bereits „%1“.</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Rename corpus source to %1</source>
        <translation>Korpusquelle in %1 umbenennen</translation>
    </message>
</context>
<context>
    <name>wb::ui::CorpusTextsModel</name>
    <message>
        <location filename="../ui/corpusbrowser.cpp" line="-271"/>
        <source>counting…</source>
        <translation>wird gezählt…</translation>
    </message>
    <message>
        <location line="+13"/>
        <source>Text</source>
        <translation>Text</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Characters</source>
        <translation>Zeichen</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Tokens</source>
        <translation>Tokens</translation>
    </message>
</context>
<context>
    <name>wb::ui::DeploymentTableModel</name>
    <message>
        <location filename="../ui/deploymenttablemodel.cpp" line="+133"/>
        <source>The model group (model_name) is required</source>
        <translation>Die Modellgruppe (model_name) ist erforderlich</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Unknown provider &quot;%1&quot;; use one of %2</source>
        <translation>Unbekannter Anbieter „%1“; möglich sind %2</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>The provider&apos;s model id is required</source>
        <translation>Die Modellkennung des Anbieters ist erforderlich</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>No key reference: use os.environ/NAME or keychain/NAME</source>
        <translation>Kein Schlüsselverweis: os.environ/NAME oder keychain/NAME verwenden</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>A literal key is stored in the file; prefer os.environ/NAME or keychain/NAME</source>
        <translation>Ein Schlüssel steht im Klartext in der Datei; besser os.environ/NAME oder keychain/NAME verwenden</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>The key reference needs a name after the slash</source>
        <translation>Der Schlüsselverweis braucht einen Namen nach dem Schrägstrich</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Not a valid http(s) URL</source>
        <translation>Keine gültige http(s)-URL</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Plain http is only allowed for loopback hosts (set model_info.allow_insecure_http to opt in)</source>
        <translation>Unverschlüsseltes http ist nur für lokale Hosts erlaubt (model_info.allow_insecure_http setzt eine Ausnahme)</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>A limit must be positive (leave empty for none)</source>
        <translation>Ein Limit muss positiv sein (leer lassen für keines)</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Input/output token limits apply to Anthropic deployments</source>
        <translation>Eingabe-/Ausgabe-Token-Limits gelten für Anthropic-Deployments</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>The weight must be greater than zero</source>
        <translation>Das Gewicht muss größer als null sein</translation>
    </message>
    <message>
        <location line="+80"/>
        <source>(provider default)</source>
        <translation>(Standard des Anbieters)</translation>
    </message>
    <message>
        <location line="-179"/>
        <source>in file: %1</source>
        <translation>in der Datei: %1</translation>
    </message>
    <message>
        <location line="+119"/>
        <source>The same key as %1: the provider counts both against one quota. Put both into one rate-limit pool, or use another key</source>
        <translation>Derselbe Schlüssel wie %1: Der Anbieter rechnet beide auf ein Kontingent an. Legen Sie beide in einen Ratenlimit-Pool oder verwenden Sie einen anderen Schlüssel</translation>
    </message>
    <message>
        <location line="+1"/>
        <location line="+16"/>
        <source>row %1</source>
        <translation>Zeile %1</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>%1, %2: %3</source>
        <translation>%1, %2: %3</translation>
    </message>
    <message>
        <location line="+56"/>
        <source>unknown</source>
        <translation>unbekannt</translation>
    </message>
    <message>
        <location line="+20"/>
        <source>USD per million tokens, set for this deployment (model_info)</source>
        <translation>US-Dollar je Million Tokens, für dieses Deployment festgelegt (model_info)</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>USD per million tokens, from the price table (%1); type a value to override it</source>
        <translation>US-Dollar je Million Tokens, aus der Preistabelle (%1); tippen Sie einen Wert, um ihn zu ersetzen</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>No price known for this model: its calls count as $0 against the budget. Type a price per million tokens.</source>
        <translation>Für dieses Modell ist kein Preis bekannt: Seine Aufrufe zählen mit 0 $ gegen das Budget. Tippen Sie einen Preis je Million Tokens.</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>A key written in the model list file; only its last characters are shown</source>
        <translation>Ein in der Modellliste eingetragener Schlüssel; nur seine letzten Zeichen werden gezeigt</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Also at most %1 requests per day (rpd in the model list)</source>
        <translation>Außerdem höchstens %1 Anfragen pro Tag (rpd in der Modellliste)</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Also at most %1 tokens per day (tpd in the model list)</source>
        <translation>Außerdem höchstens %1 Tokens pro Tag (tpd in der Modellliste)</translation>
    </message>
    <message>
        <location line="+22"/>
        <source>Anthropic input tokens per minute</source>
        <translation>Anthropic-Eingabe-Tokens pro Minute</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Anthropic output tokens per minute</source>
        <translation>Anthropic-Ausgabe-Tokens pro Minute</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Deployments whose keys share one provider quota share one rate-limit window</source>
        <translation>Deployments, deren Schlüssel sich ein Kontingent beim Anbieter teilen, teilen sich ein Ratenlimit-Fenster</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Relative share of traffic (simple-shuffle)</source>
        <translation>Relativer Anteil an der Last (simple-shuffle)</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Model group</source>
        <translation>Modellgruppe</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Provider</source>
        <translation>Anbieter</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Model id</source>
        <translation>Modellkennung</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Key reference</source>
        <translation>Schlüsselverweis</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>API base</source>
        <translation>API-Basis</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>RPM</source>
        <translation>RPM</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>TPM</source>
        <translation>TPM</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>ITPM</source>
        <translation>ITPM</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>OTPM</source>
        <translation>OTPM</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Weight</source>
        <translation>Gewicht</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Input $/M</source>
        <translation>Eingabe $/M</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Output $/M</source>
        <translation>Ausgabe $/M</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Rate-limit pool</source>
        <translation>Ratenlimit-Pool</translation>
    </message>
    <message>
        <location line="+33"/>
        <source>The model group cannot be empty: the experiment&apos;s runs name it. To drop the deployment, use Remove.</source>
        <translation>Die Modellgruppe darf nicht leer sein: Die Läufe des Experiments nennen sie. Um das Deployment zu entfernen, verwenden Sie „Entfernen“.</translation>
    </message>
    <message>
        <location line="+24"/>
        <source>&quot;%1&quot; is not a limit: type a whole number above zero, or leave the cell empty for none</source>
        <translation>„%1“ ist kein Limit: Tippen Sie eine ganze Zahl größer als null, oder lassen Sie die Zelle leer für keines</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>&quot;%1&quot; is not a weight: type a number above zero</source>
        <translation>„%1“ ist kein Gewicht: Tippen Sie eine Zahl größer als null</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>&quot;%1&quot; is not a price: type US dollars per million tokens (0 or more), or leave the cell empty for the price table&apos;s</source>
        <translation>„%1“ ist kein Preis: Tippen Sie US-Dollar je Million Tokens (0 oder mehr), oder lassen Sie die Zelle leer für den Preis der Preistabelle</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>&quot;%1&quot; cannot be used here</source>
        <translation>„%1“ kann hier nicht verwendet werden</translation>
    </message>
    <message>
        <location line="+20"/>
        <source>Edit %1 of %2</source>
        <translation>%1 von %2 bearbeiten</translation>
    </message>
    <message>
        <location line="+40"/>
        <source>Add deployment to %1</source>
        <translation>Deployment zu %1 hinzufügen</translation>
    </message>
    <message>
        <location line="+18"/>
        <source>Duplicate deployment of %1</source>
        <translation>Deployment von %1 duplizieren</translation>
    </message>
    <message numerus="yes">
        <location line="+25"/>
        <source>Remove %n deployment(s)</source>
        <translation>
            <numerusform>%n Deployment entfernen</numerusform>
            <numerusform>%n Deployments entfernen</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>wb::ui::EngineText</name>
    <message>
        <location filename="../ui/enginetext.cpp" line="+44"/>
        <location line="+340"/>
        <source>unknown</source>
        <translation>unbekannt</translation>
    </message>
    <message>
        <location line="-337"/>
        <source>provider unreachable: next try in %1</source>
        <translation>Anbieter nicht erreichbar: nächster Versuch in %1</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>daily quota used up until %1</source>
        <translation>Tageskontingent verbraucht bis %1</translation>
    </message>
    <message>
        <location line="-4"/>
        <source>daily quota used up</source>
        <translation>Tageskontingent verbraucht</translation>
    </message>
    <message numerus="yes">
        <location line="+8"/>
        <source>cooling down after %n failure(s): %1</source>
        <translation>
            <numerusform>Abkühlphase nach %n Fehler: %1</numerusform>
            <numerusform>Abkühlphase nach %n Fehlern: %1</numerusform>
        </translation>
    </message>
    <message>
        <location line="+1"/>
        <source>rpm window: next call in %1</source>
        <translation>RPM-Fenster: nächster Aufruf in %1</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>tpm window: next call in %1</source>
        <translation>TPM-Fenster: nächster Aufruf in %1</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>itpm window: next call in %1</source>
        <translation>ITPM-Fenster: nächster Aufruf in %1</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>otpm window: next call in %1</source>
        <translation>OTPM-Fenster: nächster Aufruf in %1</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>%1 calls in flight (max_parallel_requests)</source>
        <translation>%1 Aufrufe laufen (max_parallel_requests)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>%1 calls in flight (limits being learned)</source>
        <translation>%1 Aufrufe laufen (Limits werden ermittelt)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>budget: the next call could pass it</source>
        <translation>Budget: Der nächste Aufruf könnte es überschreiten</translation>
    </message>
    <message>
        <location line="+17"/>
        <source>Paused: no new calls are sent; calls in flight finish</source>
        <translation>Pausiert: keine neuen Aufrufe; laufende Aufrufe werden beendet</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Resumed</source>
        <translation>Fortgesetzt</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Cancelled: unfinished jobs stay pending and can be resumed</source>
        <translation>Abgebrochen: Unerledigte Aufträge bleiben offen und können fortgesetzt werden</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>%1 jobs, %2 already finished, %3 to run</source>
        <translation>%1 Aufträge, %2 bereits erledigt, %3 auszuführen</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Budget reached: no further calls are sent; raise the budget and resume</source>
        <translation>Budget erreicht: Es werden keine weiteren Aufrufe gesendet; erhöhen Sie das Budget und setzen Sie fort</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Budget: %1 % of %2 spent</source>
        <translation>Budget: %1 % von %2 ausgegeben</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Budget: the next call could pass the budget; no more calls are sent</source>
        <translation>Budget: Der nächste Aufruf könnte das Budget überschreiten; es werden keine Aufrufe mehr gesendet</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>The budget of %1 is already spent in this period (%2)</source>
        <translation>Das Budget von %1 ist in diesem Zeitraum bereits ausgegeben (%2)</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>%1: cool-down ended</source>
        <translation>%1: Abkühlphase beendet</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>%1: cooling down for %2 s after %3 failures within a minute</source>
        <translation>%1: Abkühlphase von %2 s nach %3 Fehlern innerhalb einer Minute</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>%1: rate-limited (HTTP 429), waits %2 s</source>
        <translation>%1: Ratenlimit erreicht (HTTP 429), wartet %2 s</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>%1: provider overloaded, waits %2 s</source>
        <translation>%1: Anbieter überlastet, wartet %2 s</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>%1: authentication failed; the deployment is not used for the rest of this run</source>
        <translation>%1: Anmeldung fehlgeschlagen; das Deployment wird für den Rest dieses Laufs nicht verwendet</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>%1: the provider&apos;s spend limit is reached; waits %2 min</source>
        <translation>%1: Das Ausgabenlimit des Anbieters ist erreicht; wartet %2 min</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Fallback: job %1 moves from %2 to %3 (%4)</source>
        <translation>Ausweichmodell: Auftrag %1 wechselt von %2 zu %3 (%4)</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>%1: the provider reports a %2 limit of %3</source>
        <translation>%1: Der Anbieter meldet ein %2-Limit von %3</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>%1: the provider lowers the %2 limit from %3 to %4</source>
        <translation>%1: Der Anbieter senkt das %2-Limit von %3 auf %4</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>%1: starts with the limits the provider reported in an earlier run (%2)</source>
        <translation>%1: beginnt mit den Limits, die der Anbieter in einem früheren Lauf gemeldet hat (%2)</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>%1: counts calls as the provider was seen to count them in an earlier run (%2)</source>
        <translation>%1: zählt Aufrufe so, wie der Anbieter sie in einem früheren Lauf zählte (%2)</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>%1: shares the provider&apos;s quota with the keys of pool %3, as an earlier run found (%2)</source>
        <translation>%1: teilt das Kontingent des Anbieters mit den Schlüsseln von Pool %3, wie ein früherer Lauf ergab (%2)</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>%1: its key already used %2 requests and %3 tokens of its daily quota today (until %4)</source>
        <translation>%1: Sein Schlüssel hat heute schon %2 Anfragen und %3 Tokens seines Tageskontingents verbraucht (bis %4)</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>%1: the provider&apos;s refusals name no limit; calls are sent without pacing, waiting only when it says so</source>
        <translation>%1: Die Ablehnungen des Anbieters nennen kein Limit; Aufrufe werden ohne Drosselung gesendet und warten nur, wenn er es verlangt</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>%1: the provider refused a call its refilling limit had room for; its limits now count as sliding windows</source>
        <translation>%1: Der Anbieter hat einen Aufruf abgelehnt, für den sein nachfüllendes Limit noch Platz hatte; seine Limits zählen jetzt als gleitende Fenster</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>%1: the provider&apos;s counters refill continuously; its limits now count as refilling buckets</source>
        <translation>%1: Die Zähler des Anbieters füllen sich laufend wieder auf; seine Limits zählen jetzt als sich auffüllende Kontingente</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>%1: the provider&apos;s counters hold each call for a full minute; its limits now count as sliding windows</source>
        <translation>%1: Die Zähler des Anbieters halten jeden Aufruf eine volle Minute fest; seine Limits zählen jetzt als gleitende Fenster</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>%1: the provider&apos;s counters dropped at once, more than a refilling limit can; its limits now count as sliding windows</source>
        <translation>%1: Die Zähler des Anbieters sind auf einen Schlag gefallen, stärker als ein sich auffüllendes Limit es kann; seine Limits zählen jetzt als gleitende Fenster</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>%1: the provider&apos;s counters do not refill continuously; its limits now count as sliding windows</source>
        <translation>%1: Die Zähler des Anbieters füllen sich nicht laufend wieder auf; seine Limits zählen jetzt als gleitende Fenster</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>%1: the provider forgets its counts at once every %2 s; its limits now count as fixed windows (boundary known to %3 ms)</source>
        <translation>%1: Der Anbieter vergisst seine Zählung alle %2 s auf einen Schlag; seine Limits zählen jetzt als feste Fenster (Grenze auf %3 ms bekannt)</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>%1: after the boundary the provider still counted earlier calls; its limits count as sliding windows again</source>
        <translation>%1: Nach der Grenze zählte der Anbieter noch frühere Aufrufe; seine Limits zählen wieder als gleitende Fenster</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>%1: the provider refused a call after the boundary; its limits count as sliding windows again</source>
        <translation>%1: Der Anbieter hat einen Aufruf nach der Grenze abgelehnt; seine Limits zählen wieder als gleitende Fenster</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>%1: the provider&apos;s reset times no longer fall on one boundary; its limits count as sliding windows again</source>
        <translation>%1: Die Rücksetzzeiten des Anbieters fallen nicht mehr auf eine Grenze; seine Limits zählen wieder als gleitende Fenster</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>%1: the provider charges each call the larger of its prompt and its output allowance, not both (learned from the cost it reports)</source>
        <translation>%1: Der Anbieter berechnet jedem Aufruf den größeren Wert aus Prompt und Ausgabekontingent, nicht beide zusammen (aus den gemeldeten Kosten gelernt)</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>%1: the provider charges each call its prompt and its output allowance together again (learned from the cost it reports)</source>
        <translation>%1: Der Anbieter berechnet jedem Aufruf wieder Prompt und Ausgabekontingent zusammen (aus den gemeldeten Kosten gelernt)</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>%1: the provider counts each call&apos;s actual tokens once it is answered (learned from its remaining tokens)</source>
        <translation>%1: Der Anbieter zählt für jeden beantworteten Aufruf die tatsächlichen Tokens (gelernt aus seinen verbleibenden Tokens)</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>%1: the provider keeps counting each call&apos;s reserved tokens (learned from its remaining tokens)</source>
        <translation>%1: Der Anbieter zählt für jeden Aufruf weiter die reservierten Tokens (gelernt aus seinen verbleibenden Tokens)</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>%1: the provider charges each call the larger of its prompt and its output allowance, not both (learned from its remaining tokens)</source>
        <translation>%1: Der Anbieter berechnet jedem Aufruf den größeren Wert aus Prompt und Ausgabekontingent, nicht beide zusammen (gelernt aus seinen verbleibenden Tokens)</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>%1: the provider counts only each call&apos;s prompt until the reply, nothing for its output allowance (learned from its remaining tokens)</source>
        <translation>%1: Der Anbieter zählt für jeden Aufruf bis zur Antwort nur den Prompt, nichts für das Ausgabekontingent (gelernt aus seinen verbleibenden Tokens)</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>%1: the provider charges each call its prompt and its output allowance together (learned from its remaining tokens)</source>
        <translation>%1: Der Anbieter berechnet jedem Aufruf Prompt und Ausgabekontingent zusammen (gelernt aus seinen verbleibenden Tokens)</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>%1: the provider charges each call its prompt and its output allowance together (learned from a refusal)</source>
        <translation>%1: Der Anbieter berechnet jedem Aufruf Prompt und Ausgabekontingent zusammen (aus einer Ablehnung gelernt)</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>A batch of %1 texts is too large for %2 (%3); it is split</source>
        <translation>Ein Stapel von %1 Texten ist zu groß für %2 (%3); er wird geteilt</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>SIMULATED: provider simulator on 127.0.0.1:%1 — results are not from real models</source>
        <translation>SIMULIERT: Anbieter-Simulator auf 127.0.0.1:%1 — die Ergebnisse stammen nicht von echten Modellen</translation>
    </message>
    <message numerus="yes">
        <location line="+5"/>
        <source>Batch: submitting %n request(s) to %1 (%2, ~%3 input tokens)</source>
        <translation>
            <numerusform>Batch: %n Anfrage wird an %1 übermittelt (%2, ~%3 Eingabe-Tokens)</numerusform>
            <numerusform>Batch: %n Anfragen werden an %1 übermittelt (%2, ~%3 Eingabe-Tokens)</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location line="+5"/>
        <source>Batch %1: %n request(s) submitted to %2</source>
        <translation>
            <numerusform>Batch %1: %n Anfrage an %2 übermittelt</numerusform>
            <numerusform>Batch %1: %n Anfragen an %2 übermittelt</numerusform>
        </translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Batch %1 %2: %3 succeeded, %4 failed, %5 expired, %6 cancelled</source>
        <translation>Batch %1 %2: %3 erfolgreich, %4 fehlgeschlagen, %5 abgelaufen, %6 abgebrochen</translation>
    </message>
    <message numerus="yes">
        <location line="+6"/>
        <source>Batch %1: %n request(s) at %2, %3; polling again</source>
        <translation>
            <numerusform>Batch %1: %n Anfrage bei %2, %3; wird erneut abgefragt</numerusform>
            <numerusform>Batch %1: %n Anfragen bei %2, %3; wird erneut abgefragt</numerusform>
        </translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Batch: the provider refused the submission (%1); trying again</source>
        <translation>Batch: Der Anbieter hat die Übermittlung abgelehnt (%1); neuer Versuch</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Warning: %1</source>
        <translation>Warnung: %1</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Storage: %1</source>
        <translation>Speicher: %1</translation>
    </message>
    <message>
        <location line="+13"/>
        <source>the replies&apos; latency and parallelism: no rate limit makes calls wait</source>
        <translation>die Antwortzeit und Parallelität: Kein Ratenlimit lässt Aufrufe warten</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>the %1 limit of %2 (queued calls waited %3 on it)</source>
        <translation>das %1-Limit von %2 (wartende Aufrufe warteten %3 darauf)</translation>
    </message>
    <message>
        <location line="+6"/>
        <location line="+7"/>
        <source>No budget set (cost_controls.max_budget).</source>
        <translation>Kein Budget festgelegt (cost_controls.max_budget).</translation>
    </message>
    <message>
        <location line="-3"/>
        <source>budget of %1 (%2 spent so far)</source>
        <translation>Budget von %1 (bisher %2 ausgegeben)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>budget of %1 per %2 (%3 spent in this period)</source>
        <translation>Budget von %1 je %2 (%3 in diesem Zeitraum ausgegeben)</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Fits the %1 even in the worst case.</source>
        <translation>Passt selbst im ungünstigsten Fall in das %1.</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>The expected cost fits the %1, but the worst case (every reply as long as max_tokens allows) exceeds it by %2: the run may stop for the budget.</source>
        <translation>Die erwarteten Kosten passen in das %1, aber der ungünstigste Fall (jede Antwort so lang, wie max_tokens erlaubt) überschreitet es um %2: Der Lauf kann wegen des Budgets anhalten.</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Does not fit the %1: the expected cost exceeds it by %2; the run would stop after about %3 % of its calls.</source>
        <translation>Passt nicht in das %1: Die erwarteten Kosten überschreiten es um %2; der Lauf würde nach etwa %3 % seiner Aufrufe anhalten.</translation>
    </message>
    <message>
        <location line="+15"/>
        <source>Add a second key like %1 (of another organisation or project, with its own quota) to group %2</source>
        <translation>Einen zweiten Schlüssel wie %1 (einer anderen Organisation oder eines anderen Projekts, mit eigenem Kontingent) zur Gruppe %2 hinzufügen</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Allow twice the parallel requests on %1</source>
        <translation>Doppelt so viele parallele Anfragen auf %1 erlauben</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Move %1 to a higher usage tier (twice its limits)</source>
        <translation>%1 in eine höhere Nutzungsstufe bringen (doppelte Limits)</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Send several texts per call (batching, up to %1 tokens): %2 calls instead of %3, %4 prompt tokens instead of %5</source>
        <translation>Mehrere Texte je Aufruf senden (Stapel bis %1 Tokens): %2 Aufrufe statt %3, %4 Prompt-Tokens statt %5</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Use %1 instead of %2 for group %3 (same family, list price; same limits and latency assumed)</source>
        <translation>%1 statt %2 für Gruppe %3 verwenden (gleiche Familie, Listenpreis; gleiche Limits und Antwortzeit angenommen)</translation>
    </message>
    <message>
        <location line="+12"/>
        <source>takes as long (%1)</source>
        <translation>dauert gleich lang (%1)</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>faster by %1 (%2 → %3)</source>
        <translation>%1 schneller (%2 → %3)</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>slower by %1 (%2 → %3)</source>
        <translation>%1 langsamer (%2 → %3)</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>costs the same (%1)</source>
        <translation>kostet gleich viel (%1)</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>saves %1 (%2 → %3)</source>
        <translation>spart %1 (%2 → %3)</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>costs %1 more (%2 → %3)</source>
        <translation>kostet %1 mehr (%2 → %3)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>%1; %2</source>
        <translation>%1; %2</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>exact</source>
        <translation>exakt</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>calibrated</source>
        <translation>kalibriert</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>approximate</source>
        <translation>angenähert</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>counted by the provider</source>
        <translation>vom Anbieter gezählt</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>rough (characters ÷ 4)</source>
        <translation>grob (Zeichen ÷ 4)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>custom tokenizer</source>
        <translation>eigener Tokenizer</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>submitting</source>
        <translation>wird übermittelt</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>validating</source>
        <translation>wird geprüft</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>in progress</source>
        <translation>in Arbeit</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>finalizing</source>
        <translation>wird abgeschlossen</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>cancelling</source>
        <translation>wird abgebrochen</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>ended</source>
        <translation>beendet</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>failed</source>
        <translation>fehlgeschlagen</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>expired</source>
        <translation>abgelaufen</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>cancelled</source>
        <translation>abgebrochen</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>model list</source>
        <translation>Modellliste</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>LiteLLM price map</source>
        <translation>LiteLLM-Preistabelle</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>built-in</source>
        <translation>eingebaut</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>model family</source>
        <translation>Modellfamilie</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>Counted with the model&apos;s own tokenizer (tiktoken): the prompt tokens are exact.</source>
        <translation>Mit dem Tokenizer des Modells gezählt (tiktoken): Die Prompt-Tokens sind exakt.</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Counted with a similar tokenizer and corrected by the ratio learned from earlier replies of this model.</source>
        <translation>Mit einem ähnlichen Tokenizer gezählt und um das aus früheren Antworten dieses Modells gelernte Verhältnis korrigiert.</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Counted with a similar tokenizer times a fixed factor for this provider: expect a few per cent either way. It becomes calibrated after a first run.</source>
        <translation>Mit einem ähnlichen Tokenizer gezählt, mal einem festen Faktor für diesen Anbieter: einige Prozent Abweichung in beide Richtungen. Nach einem ersten Lauf wird kalibriert.</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Counted by the provider&apos;s token-counting endpoint.</source>
        <translation>Vom Token-Zähl-Endpunkt des Anbieters gezählt.</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>No tokenizer is known for this model: characters divided by four, a rough guess.</source>
        <translation>Für dieses Modell ist kein Tokenizer bekannt: Zeichen geteilt durch vier, eine grobe Schätzung.</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Counted with the tokenizer configured for this deployment.</source>
        <translation>Mit dem für dieses Deployment eingestellten Tokenizer gezählt.</translation>
    </message>
</context>
<context>
    <name>wb::ui::EstimateView</name>
    <message>
        <location filename="../ui/estimateview.cpp" line="+128"/>
        <source>cancelled</source>
        <translation>abgebrochen</translation>
    </message>
    <message>
        <location line="+52"/>
        <source>Total</source>
        <translation>Gesamt</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>Per run</source>
        <translation>Je Lauf</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Per deployment (utilisation of its limits)</source>
        <translation>Je Deployment (Auslastung seiner Limits)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Recommendations</source>
        <translation>Empfehlungen</translation>
    </message>
    <message>
        <location line="+37"/>
        <source>Updating the estimate…</source>
        <translation>Schätzung wird aktualisiert…</translation>
    </message>
    <message>
        <location line="+16"/>
        <source>Computing the estimate…</source>
        <translation>Schätzung wird berechnet…</translation>
    </message>
    <message numerus="yes">
        <location line="+30"/>
        <source>The Models page has %n problem(s); the run cannot start until they are fixed:</source>
        <translation>
            <numerusform>Die Seite „Modelle“ hat %n Problem; der Lauf kann erst starten, wenn es behoben ist:</numerusform>
            <numerusform>Die Seite „Modelle“ hat %n Probleme; der Lauf kann erst starten, wenn sie behoben sind:</numerusform>
        </translation>
    </message>
    <message>
        <location line="+6"/>
        <source>No estimate: %1</source>
        <translation>Keine Schätzung: %1</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>&lt;i&gt;The estimate is not available.&lt;/i&gt;</source>
        <translation>&lt;i&gt;Die Schätzung ist nicht verfügbar.&lt;/i&gt;</translation>
    </message>
    <message numerus="yes">
        <location line="+29"/>
        <source>%n run(s)</source>
        <translation>
            <numerusform>%n Lauf</numerusform>
            <numerusform>%n Läufe</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location line="+1"/>
        <source>%n text(s)</source>
        <translation>
            <numerusform>%n Text</numerusform>
            <numerusform>%n Texte</numerusform>
        </translation>
    </message>
    <message>
        <location line="+1"/>
        <source>&lt;b&gt;%1&lt;/b&gt; text analyses (each text once per run and repetition) in &lt;b&gt;%2&lt;/b&gt; calls to the models</source>
        <translation>&lt;b&gt;%1&lt;/b&gt; Textanalysen (jeder Text einmal je Lauf und Wiederholung) in &lt;b&gt;%2&lt;/b&gt; Aufrufen an die Modelle</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>&lt;b&gt;Cost&lt;/b&gt; %1 expected, %2 at most · &lt;b&gt;Duration&lt;/b&gt; %3 · %4 prompt tokens, %5 output tokens expected (%6 at most)</source>
        <translation>&lt;b&gt;Kosten&lt;/b&gt; %1 erwartet, höchstens %2 · &lt;b&gt;Dauer&lt;/b&gt; %3 · %4 Prompt-Tokens, %5 Ausgabe-Tokens erwartet (höchstens %6)</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Without batching: %1 calls, %2 prompt tokens, %3, %4</source>
        <translation>Ohne Stapel: %1 Aufrufe, %2 Prompt-Tokens, %3, %4</translation>
    </message>
    <message>
        <location line="+21"/>
        <source>What sets the pace: %1</source>
        <translation>Was das Tempo bestimmt: %1</translation>
    </message>
    <message>
        <location line="+34"/>
        <source>Prices as of %1. Estimated at %2.</source>
        <translation>Preise vom %1. Geschätzt um %2.</translation>
    </message>
    <message>
        <location line="-29"/>
        <source>Run</source>
        <translation>Lauf</translation>
    </message>
    <message>
        <location line="-39"/>
        <source>within ~%1 h (batch)</source>
        <translation>innerhalb von ~%1 h (Batch)</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>%1 for the live runs, the batch runs within ~%2 h</source>
        <translation>%1 für die Live-Läufe, die Batch-Läufe innerhalb von ~%2 h</translation>
    </message>
    <message>
        <location line="+18"/>
        <source>&lt;b&gt;Batch&lt;/b&gt;: no deployment has a batch API; every call stays live</source>
        <translation>&lt;b&gt;Batch&lt;/b&gt;: kein Deployment hat eine Batch-API; jeder Aufruf bleibt live</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>&lt;b&gt;Live&lt;/b&gt; %1, ~%2 · &lt;b&gt;Batch&lt;/b&gt; %3, within ~%4 h</source>
        <translation>&lt;b&gt;Live&lt;/b&gt; %1, ~%2 · &lt;b&gt;Batch&lt;/b&gt; %3, innerhalb von ~%4 h</translation>
    </message>
    <message numerus="yes">
        <location line="+4"/>
        <source>(%n call(s) stay live: no batch API)</source>
        <translation>
            <numerusform>(%n Aufruf bleibt live: keine Batch-API)</numerusform>
            <numerusform>(%n Aufrufe bleiben live: keine Batch-API)</numerusform>
        </translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Batch: the same calls through the providers&apos; batch APIs at their batch prices (half the list price where the price map has none). The time is the providers&apos; completion window (24 h), times the windows a key&apos;s batch queue limit needs; most batches finish sooner.</source>
        <translation>Batch: dieselben Aufrufe über die Batch-APIs der Anbieter zu deren Batch-Preisen (der halbe Listenpreis, wo die Preistabelle keinen hat). Die Zeit ist das Fertigstellungsfenster der Anbieter (24 h), mal die Fenster, die das Batch-Warteschlangenlimit eines Schlüssels erfordert; die meisten Batches sind früher fertig.</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>What sets the pace: the providers&apos; batch completion window (most batches finish sooner)</source>
        <translation>Was das Tempo bestimmt: das Batch-Zeitfenster der Anbieter (die meisten Batches sind früher fertig)</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Model group</source>
        <translation>Modellgruppe</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Texts</source>
        <translation>Texte</translation>
    </message>
    <message>
        <location line="+0"/>
        <location line="+18"/>
        <source>Calls</source>
        <translation>Aufrufe</translation>
    </message>
    <message>
        <location line="-18"/>
        <source>Prompt tokens</source>
        <translation>Prompt-Tokens</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Repetitions</source>
        <translation>Wiederholungen</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Mode</source>
        <translation>Modus</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Output tokens</source>
        <translation>Ausgabe-Tokens</translation>
    </message>
    <message>
        <location line="+0"/>
        <location line="+18"/>
        <source>Cost</source>
        <translation>Kosten</translation>
    </message>
    <message>
        <location line="-18"/>
        <source>Finishes after</source>
        <translation>Fertig nach</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Tokens counted</source>
        <translation>Token-Zählung</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>At most</source>
        <translation>Höchstens</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>How the prompt tokens were counted; hover a cell for what it means</source>
        <translation>Wie die Prompt-Tokens gezählt wurden; zeigen Sie auf eine Zelle für die Erklärung</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Batch</source>
        <translation>Batch</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Live</source>
        <translation>Live</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>price unknown</source>
        <translation>Preis unbekannt</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Deployment</source>
        <translation>Deployment</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>RPM</source>
        <translation>RPM</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>TPM</source>
        <translation>TPM</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>ITPM</source>
        <translation>ITPM</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>OTPM</source>
        <translation>OTPM</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Parallel</source>
        <translation>Parallel</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Waited</source>
        <translation>Gewartet</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>None — the configuration looks balanced.</source>
        <translation>Keine — die Konfiguration wirkt ausgewogen.</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>%1 (on %2)</source>
        <translation>%1 (am %2)</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Rate limits learned from the provider, none configured: %1.</source>
        <translation>Ratenlimits vom Anbieter gelernt, keine konfiguriert: %1.</translation>
    </message>
</context>
<context>
    <name>wb::ui::ExperimentEditor</name>
    <message>
        <location filename="../ui/experimenteditor.cpp" line="+57"/>
        <source>Experiment name</source>
        <translation>Name des Experiments</translation>
    </message>
    <message>
        <location line="+1"/>
        <location line="+210"/>
        <source>Description</source>
        <translation>Beschreibung</translation>
    </message>
    <message>
        <location line="-198"/>
        <source>Double-click a source to read its texts and preview prompts</source>
        <translation>Doppelklick auf eine Quelle zeigt ihre Texte und eine Prompt-Vorschau</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Add folder…</source>
        <translation>Ordner hinzufügen…</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Add CSV/JSONL…</source>
        <translation>CSV/JSONL hinzufügen…</translation>
    </message>
    <message>
        <location line="+1"/>
        <location line="+28"/>
        <location line="+35"/>
        <source>Remove</source>
        <translation>Entfernen</translation>
    </message>
    <message>
        <location line="-62"/>
        <source>Texts…</source>
        <translation>Texte…</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Read the selected source&apos;s texts and preview the prompt a run sends</source>
        <translation>Die Texte der ausgewählten Quelle lesen und den Prompt eines Laufs vorab ansehen</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Corpus</source>
        <translation>Korpus</translation>
    </message>
    <message>
        <location line="+19"/>
        <source>Add framework…</source>
        <translation>Framework hinzufügen…</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Frameworks</source>
        <translation>Frameworks</translation>
    </message>
    <message>
        <location line="+31"/>
        <source>Add run</source>
        <translation>Lauf hinzufügen</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Matrix — one run per model group × framework × corpus</source>
        <translation>Matrix — ein Lauf je Modellgruppe × Framework × Korpus</translation>
    </message>
    <message>
        <location line="+23"/>
        <source>Live</source>
        <translation>Live</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Batch (half price)</source>
        <translation>Batch (halber Preis)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Auto</source>
        <translation>Automatisch</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Live: one call per request, answered within the minute.
Batch: the providers&apos; batch APIs (OpenAI, Anthropic, Gemini, Mistral) at half price, results within 24 hours.
Auto: batch the runs whose live estimate takes longer than batch_after (default 2 h).</source>
        <translation>Live: ein Aufruf pro Anfrage, beantwortet innerhalb der Minute.
Batch: die Batch-APIs der Anbieter (OpenAI, Anthropic, Gemini, Mistral) zum halben Preis, Ergebnisse innerhalb von 24 Stunden.
Automatisch: die Läufe als Batch senden, deren Live-Schätzung länger als batch_after dauert (Standard 2 h).</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Several texts per call</source>
        <translation>Mehrere Texte pro Aufruf</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Execution</source>
        <translation>Ausführung</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Temperature</source>
        <translation>Temperatur</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Max output tokens</source>
        <translation>Max. Ausgabe-Tokens</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Repetitions</source>
        <translation>Wiederholungen</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Re-asks on invalid JSON</source>
        <translation>Nachfragen bei ungültigem JSON</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Execution mode</source>
        <translation>Ausführungsmodus</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Batching</source>
        <translation>Batching</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Max tokens per batch</source>
        <translation>Max. Tokens pro Batch</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Max texts per batch</source>
        <translation>Max. Texte pro Batch</translation>
    </message>
    <message>
        <location line="+82"/>
        <source>Framework / dimension</source>
        <translation>Framework / Dimension</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Range</source>
        <translation>Bereich</translation>
    </message>
    <message>
        <location line="+2"/>
        <location line="+5"/>
        <source>%1 (%2)</source>
        <translation>%1 (%2)</translation>
    </message>
    <message>
        <location line="-3"/>
        <source>v%1</source>
        <translation>v%1</translation>
    </message>
    <message numerus="yes">
        <location line="+1"/>
        <source>%n dimension(s)</source>
        <translation>
            <numerusform>%n Dimension</numerusform>
            <numerusform>%n Dimensionen</numerusform>
        </translation>
    </message>
    <message>
        <location line="+44"/>
        <source>Counting tokens…</source>
        <translation>Tokens werden gezählt…</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>%1 texts, %2 tokens</source>
        <translation>%1 Texte, %2 Tokens</translation>
    </message>
    <message>
        <location line="+23"/>
        <source>Rename experiment</source>
        <translation>Experiment umbenennen</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Change execution settings</source>
        <translation>Ausführungseinstellungen ändern</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Folder of .txt files</source>
        <translation>Ordner mit .txt-Dateien</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Corpus file</source>
        <translation>Korpusdatei</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Corpus files (*.csv *.jsonl *.txt)</source>
        <translation>Korpusdateien (*.csv *.jsonl *.txt)</translation>
    </message>
    <message>
        <location line="+25"/>
        <source>Add corpus source %1</source>
        <translation>Korpusquelle %1 hinzufügen</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>Remove corpus source</source>
        <translation>Korpusquelle entfernen</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Framework file</source>
        <translation>Framework-Datei</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Framework (*.yaml *.yml)</source>
        <translation>Framework (*.yaml *.yml)</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Cannot add framework</source>
        <translation>Framework kann nicht hinzugefügt werden</translation>
    </message>
    <message>
        <location line="+17"/>
        <source>Remove framework</source>
        <translation>Framework entfernen</translation>
    </message>
</context>
<context>
    <name>wb::ui::GaugeModel</name>
    <message>
        <location filename="../ui/gaugemodel.cpp" line="+142"/>
        <source>cooling down (%1 s)</source>
        <translation>Abkühlung (%1 s)</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>not used for the rest of the run</source>
        <translation>für den Rest des Laufs nicht verwendet</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>busy</source>
        <translation>beschäftigt</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>idle</source>
        <translation>bereit</translation>
    </message>
    <message>
        <location line="+15"/>
        <source>Window: %1
Mean latency: %2 ms</source>
        <translation>Fenster: %1
Mittlere Latenz: %2 ms</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>Requests in the last 60 s against the requests-per-minute limit</source>
        <translation>Anfragen der letzten 60 s im Verhältnis zum Limit pro Minute</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Tokens in the last 60 s against the tokens-per-minute limit</source>
        <translation>Tokens der letzten 60 s im Verhältnis zum Limit pro Minute</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Input tokens per minute (Anthropic)</source>
        <translation>Eingabe-Tokens pro Minute (Anthropic)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Output tokens per minute (Anthropic)</source>
        <translation>Ausgabe-Tokens pro Minute (Anthropic)</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Provider</source>
        <translation>Anbieter</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Deployment</source>
        <translation>Deployment</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Model groups</source>
        <translation>Modellgruppen</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Model group</source>
        <translation>Modellgruppe</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>RPM</source>
        <translation>RPM</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>TPM</source>
        <translation>TPM</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>ITPM</source>
        <translation>ITPM</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>OTPM</source>
        <translation>OTPM</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>In flight</source>
        <translation>Laufend</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Calls</source>
        <translation>Aufrufe</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>429s</source>
        <translation>429er</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Retries</source>
        <translation>Wiederholungen</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Spend</source>
        <translation>Ausgaben</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>State</source>
        <translation>Zustand</translation>
    </message>
</context>
<context>
    <name>wb::ui::KeysModel</name>
    <message>
        <location filename="../ui/keysmodel.cpp" line="+21"/>
        <source>environment</source>
        <translation>Umgebung</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>keychain</source>
        <translation>Schlüsselbund</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>in the file</source>
        <translation>in der Datei</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>environment (provider default)</source>
        <translation>Umgebung (Standard des Anbieters)</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>checking…</source>
        <translation>wird geprüft…</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>set</source>
        <translation>gesetzt</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>missing</source>
        <translation>fehlt</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>error</source>
        <translation>Fehler</translation>
    </message>
    <message>
        <location line="+28"/>
        <location line="+27"/>
        <source>(literal key)</source>
        <translation>(Schlüssel im Klartext)</translation>
    </message>
    <message>
        <location line="-27"/>
        <source>(local server key)</source>
        <translation>(Schlüssel eines lokalen Servers)</translation>
    </message>
    <message>
        <location line="+28"/>
        <source>A literal key is stored in the model list; move it to the keychain</source>
        <translation>Ein Schlüssel steht im Klartext in der Modellliste; bitte in den Schlüsselbund verschieben</translation>
    </message>
    <message>
        <location line="+67"/>
        <source>Use &quot;Set key…&quot; to store it in the keychain</source>
        <translation>Mit „Schlüssel setzen…“ im Schlüsselbund speichern</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Set the environment variable %1 before starting the workbench, or store the key in the keychain</source>
        <translation>Die Umgebungsvariable %1 vor dem Start setzen oder den Schlüssel im Schlüsselbund speichern</translation>
    </message>
    <message>
        <location line="+21"/>
        <source>Key reference</source>
        <translation>Schlüsselverweis</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Where</source>
        <translation>Ort</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Status</source>
        <translation>Status</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Value</source>
        <translation>Wert</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Used by</source>
        <translation>Verwendet von</translation>
    </message>
</context>
<context>
    <name>wb::ui::KeysView</name>
    <message>
        <location filename="../ui/keysview.cpp" line="+47"/>
        <source>Set / replace key…</source>
        <translation>Schlüssel setzen / ersetzen…</translation>
    </message>
    <message>
        <location line="+1"/>
        <location line="+191"/>
        <source>Clear key</source>
        <translation>Schlüssel löschen</translation>
    </message>
    <message>
        <location line="-190"/>
        <source>Refresh</source>
        <translation>Aktualisieren</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Keys are stored in the system keychain and never written to project files, logs or results. Only the last characters of a key are ever shown.</source>
        <translation>Schlüssel liegen im Schlüsselbund des Systems und werden nie in Projektdateien, Protokolle oder Ergebnisse geschrieben. Angezeigt werden immer nur die letzten Zeichen.</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>API keys</source>
        <translation>API-Schlüssel</translation>
    </message>
    <message>
        <location line="+19"/>
        <source>Test connection</source>
        <translation>Verbindung testen</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Test all</source>
        <translation>Alle testen</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Connections</source>
        <translation>Verbindungen</translation>
    </message>
    <message>
        <location line="+72"/>
        <source>Cannot store key</source>
        <translation>Schlüssel kann nicht gespeichert werden</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Cannot clear key</source>
        <translation>Schlüssel kann nicht gelöscht werden</translation>
    </message>
    <message>
        <location line="+31"/>
        <source>Deployment</source>
        <translation>Deployment</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Endpoint</source>
        <translation>Endpunkt</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Result</source>
        <translation>Ergebnis</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>not tested</source>
        <translation>nicht getestet</translation>
    </message>
    <message>
        <location line="+22"/>
        <source>Set key</source>
        <translation>Schlüssel setzen</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>This reference reads the environment variable %1. Set it before starting the workbench, or change the deployment&apos;s key reference to keychain/NAME to keep the key in the keychain.</source>
        <translation>Dieser Verweis liest die Umgebungsvariable %1. Setzen Sie sie vor dem Start, oder ändern Sie den Schlüsselverweis des Deployments in keychain/NAME, um den Schlüssel im Schlüsselbund zu halten.</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Set key %1</source>
        <translation>Schlüssel %1 setzen</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>API key for %1 (stored in the system keychain):</source>
        <translation>API-Schlüssel für %1 (wird im Schlüsselbund des Systems gespeichert):</translation>
    </message>
    <message>
        <location line="+14"/>
        <source>Remove the key %1 from the keychain?</source>
        <translation>Den Schlüssel %1 aus dem Schlüsselbund entfernen?</translation>
    </message>
    <message>
        <location line="+16"/>
        <location line="+9"/>
        <source>testing…</source>
        <translation>wird getestet…</translation>
    </message>
</context>
<context>
    <name>wb::ui::MainWindow</name>
    <message>
        <location filename="../ui/mainwindow.cpp" line="+80"/>
        <source>Models</source>
        <translation>Modelle</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Keys</source>
        <translation>Schlüssel</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Experiment</source>
        <translation>Experiment</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Estimate</source>
        <translation>Schätzung</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Run</source>
        <translation>Lauf</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Results</source>
        <translation>Ergebnisse</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Statistics</source>
        <translation>Statistik</translation>
    </message>
    <message>
        <location line="+13"/>
        <source>SIMULATED — results are not from real models. This model list points at the built-in provider simulator.</source>
        <translation>SIMULIERT — die Ergebnisse stammen nicht von echten Modellen. Diese Modellliste verweist auf den eingebauten Anbieter-Simulator.</translation>
    </message>
    <message>
        <location line="+56"/>
        <source>Save before running?</source>
        <translation>Vor dem Lauf speichern?</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>The run uses the saved files. Save your changes now?</source>
        <translation>Der Lauf verwendet die gespeicherten Dateien. Änderungen jetzt speichern?</translation>
    </message>
    <message>
        <location line="+21"/>
        <source>&amp;File</source>
        <translation>&amp;Datei</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>&amp;Open…</source>
        <translation>Ö&amp;ffnen…</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Open &amp;Sample</source>
        <translation>&amp;Beispiel öffnen</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Open &amp;Recent</source>
        <translation>&amp;Zuletzt geöffnet</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Open &amp;Bundle…</source>
        <translation>&amp;Bündel öffnen…</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>&amp;Save</source>
        <translation>&amp;Speichern</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Save &amp;As…</source>
        <translation>Speichern &amp;unter…</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>&amp;Quit</source>
        <translation>&amp;Beenden</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>&amp;Edit</source>
        <translation>&amp;Bearbeiten</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>&amp;Undo</source>
        <translation>&amp;Rückgängig</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>&amp;Redo</source>
        <translation>&amp;Wiederherstellen</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>&amp;Run</source>
        <translation>&amp;Lauf</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>&amp;Start</source>
        <translation>&amp;Starten</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>&amp;Pause / Resume</source>
        <translation>&amp;Pausieren / Fortsetzen</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>&amp;Cancel</source>
        <translation>&amp;Abbrechen</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>&amp;Watch Shared Run…</source>
        <translation>Gemeinsamen Lauf &amp;beobachten…</translation>
    </message>
    <message>
        <location line="+3"/>
        <location line="+39"/>
        <source>Watch Shared Run</source>
        <translation>Gemeinsamen Lauf beobachten</translation>
    </message>
    <message>
        <location line="-38"/>
        <source>PostgreSQL run store (postgresql://user@host:port/dbname; the password in PGPASSWORD or in the URL):</source>
        <translation>PostgreSQL-Laufspeicher (postgresql://benutzer@host:port/datenbank; das Passwort in PGPASSWORD oder in der URL):</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>&amp;View</source>
        <translation>&amp;Ansicht</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>&amp;Help</source>
        <translation>&amp;Hilfe</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>&amp;User guide</source>
        <translation>&amp;Benutzerhandbuch</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>&amp;About Discernus Workbench</source>
        <translation>&amp;Über Discernus Workbench</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>About Discernus Workbench</source>
        <translation>Über Discernus Workbench</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>&lt;h3&gt;Discernus Workbench %1&lt;/h3&gt;&lt;p&gt;Run multi-LLM text-analysis experiments through a rate-limit-aware router, and browse and export the results.&lt;/p&gt;</source>
        <translation>&lt;h3&gt;Discernus Workbench %1&lt;/h3&gt;&lt;p&gt;Textanalyse-Experimente mit mehreren Sprachmodellen über einen Router durchführen, der die Ratenlimits beachtet, und die Ergebnisse durchsuchen und exportieren.&lt;/p&gt;</translation>
    </message>
    <message>
        <location line="+39"/>
        <source>Discernus Workbench</source>
        <translation>Discernus Workbench</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>No project open</source>
        <translation>Kein Projekt geöffnet</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>%1[*] — Discernus Workbench</source>
        <translation>%1[*] — Discernus Workbench</translation>
    </message>
    <message numerus="yes">
        <location line="+3"/>
        <source>%1  ·  %n deployment(s)</source>
        <translation>
            <numerusform>%1  ·  %n Deployment</numerusform>
            <numerusform>%1  ·  %n Deployments</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location line="+2"/>
        <source>, %n run(s)</source>
        <translation>
            <numerusform>, %n Lauf</numerusform>
            <numerusform>, %n Läufe</numerusform>
        </translation>
    </message>
    <message>
        <location line="+1"/>
        <source>  ·  simulated</source>
        <translation>  ·  simuliert</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>Cannot open project</source>
        <translation>Projekt kann nicht geöffnet werden</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Cannot open %1: %2</source>
        <translation>%1 kann nicht geöffnet werden: %2</translation>
    </message>
    <message>
        <location line="+24"/>
        <source>No sample</source>
        <translation>Kein Beispiel</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>The bundled sample project was not found.</source>
        <translation>Das mitgelieferte Beispielprojekt wurde nicht gefunden.</translation>
    </message>
    <message>
        <location line="+19"/>
        <source>Open experiment</source>
        <translation>Experiment öffnen</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Experiment (experiment.yaml *.yaml *.yml)</source>
        <translation>Experiment (experiment.yaml *.yaml *.yml)</translation>
    </message>
    <message>
        <location line="+11"/>
        <location line="+21"/>
        <source>Cannot save</source>
        <translation>Speichern nicht möglich</translation>
    </message>
    <message>
        <location line="-14"/>
        <location line="+20"/>
        <source>Saved; comments from the original file were kept in %1</source>
        <translation>Gespeichert; die Kommentare der ursprünglichen Datei wurden in %1 aufbewahrt</translation>
    </message>
    <message>
        <location line="-18"/>
        <source>Saved</source>
        <translation>Gespeichert</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Save project into folder</source>
        <translation>Projekt in Ordner speichern</translation>
    </message>
    <message>
        <location line="+20"/>
        <source>Unsaved changes</source>
        <translation>Ungespeicherte Änderungen</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>The project &quot;%1&quot; has unsaved changes.</source>
        <translation>Das Projekt „%1“ hat ungespeicherte Änderungen.</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Save them before continuing?</source>
        <translation>Vor dem Fortfahren speichern?</translation>
    </message>
    <message>
        <location line="+13"/>
        <location line="+17"/>
        <source>A run is in progress</source>
        <translation>Ein Lauf ist im Gange</translation>
    </message>
    <message>
        <location line="-16"/>
        <source>Opening another project cancels the run. It can be resumed later. Continue?</source>
        <translation>Beim Öffnen eines anderen Projekts wird der Lauf abgebrochen. Er kann später fortgesetzt werden. Fortfahren?</translation>
    </message>
    <message>
        <location line="+17"/>
        <source>Cancel the run and quit? It can be resumed later.</source>
        <translation>Den Lauf abbrechen und beenden? Er kann später fortgesetzt werden.</translation>
    </message>
    <message>
        <location line="+25"/>
        <source>Run cancelled: %1 done, %2 failed; the rest can be resumed</source>
        <translation>Lauf abgebrochen: %1 fertig, %2 fehlgeschlagen; der Rest kann fortgesetzt werden</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Run stopped by the budget: %1 done, %2 failed</source>
        <translation>Lauf vom Budget angehalten: %1 fertig, %2 fehlgeschlagen</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Run finished: %1 done, %2 failed</source>
        <translation>Lauf beendet: %1 fertig, %2 fehlgeschlagen</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Run could not start: %1</source>
        <translation>Lauf konnte nicht starten: %1</translation>
    </message>
    <message>
        <location filename="../ui/userguide.cpp" line="+40"/>
        <source>Discernus Workbench — User guide</source>
        <translation>Discernus Workbench — Benutzerhandbuch</translation>
    </message>
</context>
<context>
    <name>wb::ui::MatrixModel</name>
    <message>
        <location filename="../ui/matrixmodel.cpp" line="+46"/>
        <source>A run id is required</source>
        <translation>Eine Lauf-Kennung ist erforderlich</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Run ids must be unique</source>
        <translation>Lauf-Kennungen müssen eindeutig sein</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>No model group &quot;%1&quot; in the model list</source>
        <translation>Keine Modellgruppe „%1“ in der Modellliste</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>No framework &quot;%1&quot; in the experiment</source>
        <translation>Kein Framework „%1“ im Experiment</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>No corpus source &quot;%1&quot; in the experiment</source>
        <translation>Keine Korpusquelle „%1“ im Experiment</translation>
    </message>
    <message>
        <location line="+32"/>
        <source>every text</source>
        <translation>jeder Text</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>no limit</source>
        <translation>keine Grenze</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>%1 (default)</source>
        <translation>%1 (Standard)</translation>
    </message>
    <message>
        <location line="+18"/>
        <source>Globs on text ids, comma separated; empty = every text</source>
        <translation>Muster für Text-Kennungen, durch Kommas getrennt; leer = alle Texte</translation>
    </message>
    <message>
        <location line="+18"/>
        <source>Run id</source>
        <translation>Lauf-Kennung</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Model group</source>
        <translation>Modellgruppe</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Framework</source>
        <translation>Framework</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Corpus</source>
        <translation>Korpus</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Include</source>
        <translation>Einschließen</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Limit</source>
        <translation>Limit</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Repetitions</source>
        <translation>Wiederholungen</translation>
    </message>
    <message>
        <location line="+30"/>
        <source>A run needs an id: results and resumes name it.</source>
        <translation>Ein Lauf braucht eine ID: Ergebnisse und Fortsetzungen nennen sie.</translation>
    </message>
    <message>
        <location line="+22"/>
        <source>&quot;%1&quot; is not a count: type a whole number above zero, or leave the cell empty</source>
        <translation>„%1“ ist keine Anzahl: Tippen Sie eine ganze Zahl größer als null, oder lassen Sie die Zelle leer</translation>
    </message>
    <message>
        <location line="+20"/>
        <source>Edit run %1</source>
        <translation>Lauf %1 bearbeiten</translation>
    </message>
    <message>
        <location line="+21"/>
        <source>Add run %1</source>
        <translation>Lauf %1 hinzufügen</translation>
    </message>
    <message numerus="yes">
        <location line="+19"/>
        <source>Remove %n run(s)</source>
        <translation>
            <numerusform>%n Lauf entfernen</numerusform>
            <numerusform>%n Läufe entfernen</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>wb::ui::ModelListEditor</name>
    <message>
        <location filename="../ui/modellisteditor.cpp" line="+90"/>
        <source>Add deployment</source>
        <translation>Deployment hinzufügen</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Add model group…</source>
        <translation>Modellgruppe hinzufügen…</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Duplicate</source>
        <translation>Duplizieren</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Remove</source>
        <translation>Entfernen</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Add a deployment to the selected model group (e.g. a second API key)</source>
        <translation>Ein Deployment zur gewählten Modellgruppe hinzufügen (z. B. einen zweiten API-Schlüssel)</translation>
    </message>
    <message>
        <location line="+19"/>
        <source>%1, %2: %3</source>
        <translation>%1, %2: %3</translation>
    </message>
    <message>
        <location line="+18"/>
        <location line="+5"/>
        <source> s</source>
        <translation> s</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>group: fallback1, fallback2; other-group: fallback</source>
        <translation>gruppe: ausweich1, ausweich2; andere-gruppe: ausweich</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Limit spend to</source>
        <translation>Ausgaben begrenzen auf</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>lifetime</source>
        <translation>unbegrenzt</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Router</source>
        <translation>Router</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Routing strategy</source>
        <translation>Routing-Strategie</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Retries</source>
        <translation>Wiederholungen</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Timeout per call</source>
        <translation>Zeitlimit pro Aufruf</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Allowed fails per minute</source>
        <translation>Erlaubte Fehler pro Minute</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Cooldown</source>
        <translation>Abkühlzeit</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Fallbacks</source>
        <translation>Ausweichmodelle</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Budget</source>
        <translation>Budget</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Period</source>
        <translation>Zeitraum</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>&lt;b&gt;Deployments&lt;/b&gt; — each row is one API endpoint and key; rows with the same model group share its traffic.</source>
        <translation>&lt;b&gt;Deployments&lt;/b&gt; — jede Zeile ist ein API-Endpunkt mit Schlüssel; Zeilen derselben Modellgruppe teilen sich deren Last.</translation>
    </message>
    <message numerus="yes">
        <location line="+73"/>
        <source>%n problem(s):</source>
        <translation>
            <numerusform>%n Problem:</numerusform>
            <numerusform>%n Probleme:</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location line="+2"/>
        <source> (and %n more — hover the highlighted cells)</source>
        <translation>
            <numerusform> (und %n weiteres — Mauszeiger über die markierten Zellen)</numerusform>
            <numerusform> (und %n weitere — Mauszeiger über die markierten Zellen)</numerusform>
        </translation>
    </message>
    <message>
        <location line="+27"/>
        <source>Change router settings</source>
        <translation>Router-Einstellungen ändern</translation>
    </message>
</context>
<context>
    <name>wb::ui::PivotModel</name>
    <message>
        <location filename="../ui/pivotmodel.cpp" line="+55"/>
        <source>The results database cannot be opened</source>
        <translation>Die Ergebnisdatenbank kann nicht geöffnet werden</translation>
    </message>
    <message>
        <location line="+115"/>
        <source>Spread across models on %1: %2 (largest minus smallest mean)</source>
        <translation>Spannweite zwischen den Modellen bei %1: %2 (größter minus kleinster Mittelwert)</translation>
    </message>
    <message>
        <location line="+13"/>
        <source>Text</source>
        <translation>Text</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>%1
spread</source>
        <translation>%1
Spannweite</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Largest minus smallest model mean on %1</source>
        <translation>Größter minus kleinster Modell-Mittelwert bei %1</translation>
    </message>
</context>
<context>
    <name>wb::ui::Project</name>
    <message>
        <location filename="../ui/project.cpp" line="+83"/>
        <source>No model list (litellm_config.yaml) next to the experiment</source>
        <translation>Keine Modellliste (litellm_config.yaml) neben dem Experiment</translation>
    </message>
    <message>
        <location line="+52"/>
        <source>Cannot keep a copy of the original file with its comments</source>
        <translation>Die Kopie der ursprünglichen Datei mit ihren Kommentaren kann nicht angelegt werden</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>No project is open</source>
        <translation>Kein Projekt geöffnet</translation>
    </message>
    <message>
        <location line="+18"/>
        <source>Cannot create the folder</source>
        <translation>Der Ordner kann nicht angelegt werden</translation>
    </message>
    <message>
        <location line="+48"/>
        <source>A framework with id &quot;%1&quot; is already part of the experiment</source>
        <translation>Ein Framework mit der Kennung „%1“ gehört bereits zum Experiment</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Add framework %1</source>
        <translation>Framework %1 hinzufügen</translation>
    </message>
</context>
<context>
    <name>wb::ui::ResultsModel</name>
    <message>
        <location filename="../ui/resultsmodel.cpp" line="+18"/>
        <source>pending</source>
        <translation>offen</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>in flight</source>
        <translation>laufend</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>done</source>
        <translation>fertig</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>failed</source>
        <translation>fehlgeschlagen</translation>
    </message>
    <message>
        <location line="+44"/>
        <location line="+87"/>
        <source>The results database cannot be opened</source>
        <translation>Die Ergebnisdatenbank kann nicht geöffnet werden</translation>
    </message>
    <message>
        <location line="+112"/>
        <source>%1 ms</source>
        <translation>%1 ms</translation>
    </message>
    <message>
        <location line="+31"/>
        <source>Score on %1 (framework %2); a click sorts all results by it</source>
        <translation>Wert bei %1 (Framework %2); ein Klick sortiert alle Ergebnisse danach</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Job</source>
        <translation>Job</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Run</source>
        <translation>Lauf</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Model group</source>
        <translation>Modellgruppe</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Framework</source>
        <translation>Framework</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Text</source>
        <translation>Text</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Rep.</source>
        <translation>Wdh.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Status</source>
        <translation>Status</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Scores</source>
        <translation>Bewertungen</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Deployment</source>
        <translation>Deployment</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Provider</source>
        <translation>Anbieter</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Model version</source>
        <translation>Modellversion</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Prompt tokens</source>
        <translation>Prompt-Tokens</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Completion tokens</source>
        <translation>Ausgabe-Tokens</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Cost</source>
        <translation>Kosten</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Latency</source>
        <translation>Latenz</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Attempts</source>
        <translation>Versuche</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Error</source>
        <translation>Fehler</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Completed</source>
        <translation>Abgeschlossen</translation>
    </message>
</context>
<context>
    <name>wb::ui::ResultsView</name>
    <message>
        <location filename="../ui/resultsview.cpp" line="+105"/>
        <source>any status</source>
        <translation>jeder Status</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>done</source>
        <translation>fertig</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>failed</source>
        <translation>fehlgeschlagen</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>pending</source>
        <translation>offen</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>in flight</source>
        <translation>laufend</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Text id contains…</source>
        <translation>Text-Kennung enthält…</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Refresh</source>
        <translation>Aktualisieren</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Long format</source>
        <translation>Langformat</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>One row per job and dimension, with the evidence</source>
        <translation>Eine Zeile je Job und Dimension, mit Beleg</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Export CSV…</source>
        <translation>CSV exportieren…</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Open database…</source>
        <translation>Datenbank öffnen…</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Run</source>
        <translation>Lauf</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Model</source>
        <translation>Modell</translation>
    </message>
    <message>
        <location line="-9"/>
        <source>Exports the results the filters select, with a side file describing the columns</source>
        <translation>Exportiert die von den Filtern gewählten Ergebnisse, mit einer Begleitdatei, die die Spalten beschreibt</translation>
    </message>
    <message>
        <location line="+75"/>
        <source>Select a result to see its scores, the text, the prompt as sent and the reply.</source>
        <translation>Ein Ergebnis auswählen, um Bewertungen, Text, gesendeten Prompt und Antwort zu sehen.</translation>
    </message>
    <message>
        <location line="+3"/>
        <location line="+255"/>
        <source>Mean score per dimension</source>
        <translation>Mittlere Bewertung je Dimension</translation>
    </message>
    <message>
        <location line="-239"/>
        <source>Mean score per dimension and model group</source>
        <translation>Mittlerer Wert je Dimension und Modellgruppe</translation>
    </message>
    <message>
        <location line="+23"/>
        <source>Table</source>
        <translation>Tabelle</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Compare models</source>
        <translation>Modelle vergleichen</translation>
    </message>
    <message>
        <location line="+13"/>
        <source>counting…</source>
        <translation>wird gezählt…</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>%1 results</source>
        <translation>%1 Ergebnisse</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Error: %1</source>
        <translation>Fehler: %1</translation>
    </message>
    <message>
        <location line="+18"/>
        <source>Read-only bundle %1: results as archived, verified against its manifest</source>
        <translation>Schreibgeschütztes Bündel %1: Ergebnisse wie archiviert, gegen sein Manifest geprüft</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>No results yet — run the experiment first</source>
        <translation>Noch keine Ergebnisse — zuerst das Experiment ausführen</translation>
    </message>
    <message>
        <location line="+30"/>
        <source>Open results database</source>
        <translation>Ergebnisdatenbank öffnen</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Results databases (*.sqlite *.db);;All files (*)</source>
        <translation>Ergebnisdatenbanken (*.sqlite *.db);;Alle Dateien (*)</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Open reproducibility bundle</source>
        <translation>Reproduzierbarkeitsbündel öffnen</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Bundles (*.tar.gz *.tgz);;All files (*)</source>
        <translation>Bündel (*.tar.gz *.tgz);;Alle Dateien (*)</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Open bundle</source>
        <translation>Bündel öffnen</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>The bundle cannot be opened: %1</source>
        <translation>Das Bündel kann nicht geöffnet werden: %1</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>no temporary folder: %1</source>
        <translation>kein temporärer Ordner: %1</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Verifying and unpacking %1…</source>
        <translation>%1 wird geprüft und entpackt…</translation>
    </message>
    <message>
        <location line="+54"/>
        <source>all runs</source>
        <translation>alle Läufe</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>all models</source>
        <translation>alle Modelle</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>Mean score per dimension — computing…</source>
        <translation>Mittlere Bewertung je Dimension — wird berechnet…</translation>
    </message>
    <message>
        <location line="+39"/>
        <source>Mean score per dimension (sample of %1 texts)</source>
        <translation>Mittlere Bewertung je Dimension (Stichprobe von %1 Texten)</translation>
    </message>
    <message>
        <location line="+67"/>
        <source>The results database cannot be opened</source>
        <translation>Die Ergebnisdatenbank kann nicht geöffnet werden</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>Open the experiment to see the text and the prompt.</source>
        <translation>Das Experiment öffnen, um Text und Prompt zu sehen.</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>The open experiment has no corpus &quot;%1&quot;.</source>
        <translation>Das geöffnete Experiment hat kein Korpus „%1“.</translation>
    </message>
    <message>
        <location line="+14"/>
        <source>The corpus &quot;%1&quot; no longer holds the text &quot;%2&quot;.</source>
        <translation>Das Korpus „%1“ enthält den Text „%2“ nicht mehr.</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>The open experiment has no framework &quot;%1&quot;.</source>
        <translation>Das geöffnete Experiment hat kein Framework „%1“.</translation>
    </message>
    <message>
        <location line="+18"/>
        <source>Text</source>
        <translation>Text</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Prompt as sent</source>
        <translation>Prompt wie gesendet</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Rebuilt by the runner&apos;s code from the experiment as it is now, for this text alone (a batched call held several texts).</source>
        <translation>Vom Code des Laufs aus dem Experiment in seinem jetzigen Stand neu erzeugt, für diesen Text allein (ein gebündelter Aufruf enthielt mehrere Texte).</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>System</source>
        <translation>System</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>User</source>
        <translation>Benutzer</translation>
    </message>
    <message>
        <location line="+15"/>
        <source>repetition %1</source>
        <translation>Wiederholung %1</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>&lt;b&gt;Status:&lt;/b&gt; %1 &amp;nbsp; &lt;b&gt;Model:&lt;/b&gt; %2 (%3, %4) &amp;nbsp; &lt;b&gt;Attempts:&lt;/b&gt; %5</source>
        <translation>&lt;b&gt;Status:&lt;/b&gt; %1 &amp;nbsp; &lt;b&gt;Modell:&lt;/b&gt; %2 (%3, %4) &amp;nbsp; &lt;b&gt;Versuche:&lt;/b&gt; %5</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>&lt;b&gt;Error:&lt;/b&gt; %1</source>
        <translation>&lt;b&gt;Fehler:&lt;/b&gt; %1</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Dimension</source>
        <translation>Dimension</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Score</source>
        <translation>Wert</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Evidence</source>
        <translation>Beleg</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Calls</source>
        <translation>Aufrufe</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>%1 · HTTP %2 · %3 + %4 tokens · $%5 · %6 ms%7</source>
        <translation>%1 · HTTP %2 · %3 + %4 Tokens · $%5 · %6 ms%7</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>Raw response (attempt %1)</source>
        <translation>Rohantwort (Versuch %1)</translation>
    </message>
    <message>
        <location line="+9"/>
        <location line="+16"/>
        <source>Export CSV</source>
        <translation>CSV exportieren</translation>
    </message>
    <message>
        <location line="-16"/>
        <location line="+27"/>
        <source>There are no results to export yet.</source>
        <translation>Es gibt noch keine Ergebnisse zum Exportieren.</translation>
    </message>
    <message>
        <location line="-24"/>
        <source>Export results</source>
        <translation>Ergebnisse exportieren</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>CSV (*.csv)</source>
        <translation>CSV (*.csv)</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>The export failed: %1</source>
        <translation>Der Export ist fehlgeschlagen: %1</translation>
    </message>
    <message>
        <location line="+20"/>
        <source>Cancel</source>
        <translation>Abbrechen</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Exporting the filtered results to %1…</source>
        <translation>Die gefilterten Ergebnisse werden nach %1 exportiert…</translation>
    </message>
    <message numerus="yes">
        <location line="+31"/>
        <source>Exported %n row(s) to %1</source>
        <translation>
            <numerusform>%n Zeile nach %1 exportiert</numerusform>
            <numerusform>%n Zeilen nach %1 exportiert</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>wb::ui::RunMonitor</name>
    <message>
        <location filename="../ui/runmonitor.cpp" line="+113"/>
        <source>Browse…</source>
        <translation>Durchsuchen…</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Results database</source>
        <translation>Ergebnisdatenbank</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>SQLite database (*.sqlite *.db)</source>
        <translation>SQLite-Datenbank (*.sqlite *.db)</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Resume (only jobs not done yet)</source>
        <translation>Fortsetzen (nur noch offene Jobs)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Start</source>
        <translation>Starten</translation>
    </message>
    <message>
        <location line="+1"/>
        <location line="+223"/>
        <source>Pause</source>
        <translation>Pausieren</translation>
    </message>
    <message>
        <location line="-222"/>
        <source>Cancel</source>
        <translation>Abbrechen</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>Database</source>
        <translation>Datenbank</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>%v / %m jobs (%p%)</source>
        <translation>%v / %m Jobs (%p %)</translation>
    </message>
    <message>
        <location line="+21"/>
        <source>Rate-limit gauges per deployment</source>
        <translation>Ratenlimit-Anzeigen je Deployment</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Rate-limit gauges per provider</source>
        <translation>Ratenlimit-Anzeigen je Anbieter</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Providers</source>
        <translation>Anbieter</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Provider</source>
        <translation>Anbieter</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Batch</source>
        <translation>Batch</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Requests</source>
        <translation>Anfragen</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>State</source>
        <translation>Zustand</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Succeeded</source>
        <translation>Erfolgreich</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Failed</source>
        <translation>Fehlgeschlagen</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Expired</source>
        <translation>Abgelaufen</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Cancelled</source>
        <translation>Abgebrochen</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Age</source>
        <translation>Alter</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Provider batches of the run</source>
        <translation>Anbieter-Batches des Laufs</translation>
    </message>
    <message>
        <location line="+14"/>
        <source>Batches</source>
        <translation>Batches</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>Spend in the budget period</source>
        <translation>Ausgaben im Budgetzeitraum</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Spend</source>
        <translation>Ausgaben</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>Seconds since start</source>
        <translation>Sekunden seit dem Start</translation>
    </message>
    <message>
        <location line="+16"/>
        <source>Spend in the budget period against the budget, over time</source>
        <translation>Ausgaben im Budgetzeitraum gegenüber dem Budget, im Zeitverlauf</translation>
    </message>
    <message>
        <location line="+259"/>
        <source>Stopping: finishing the calls in flight, then the run ends (it can be resumed later)</source>
        <translation>Wird angehalten: Die laufenden Aufrufe werden abgeschlossen, dann endet der Lauf (er kann später fortgesetzt werden)</translation>
    </message>
    <message>
        <location line="+12"/>
        <source>Stop the run</source>
        <translation>Lauf anhalten</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>The calls in flight are already paid for. Finishing them stores their results; aborting drops them.

Unfinished jobs stay pending either way (Resume runs them later).</source>
        <translation>Die laufenden Aufrufe sind bereits bezahlt. Abschließen speichert ihre Ergebnisse; Abbrechen verwirft sie.

Unerledigte Jobs bleiben in beiden Fällen offen („Fortsetzen“ führt sie später aus).</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Finish the calls in flight</source>
        <translation>Laufende Aufrufe abschließen</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Abort now</source>
        <translation>Sofort abbrechen</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Keep running</source>
        <translation>Weiterlaufen lassen</translation>
    </message>
    <message>
        <location line="+60"/>
        <source>Elapsed %1</source>
        <translation>Vergangen %1</translation>
    </message>
    <message>
        <location line="+13"/>
        <source>&lt;b&gt;Done&lt;/b&gt; %1 &amp;nbsp; &lt;b&gt;Failed&lt;/b&gt; %2 &amp;nbsp; &lt;b&gt;Queued&lt;/b&gt; %3 &amp;nbsp; &lt;b&gt;In flight&lt;/b&gt; %4 &amp;nbsp; &lt;b&gt;Calls&lt;/b&gt; %5 &amp;nbsp; &lt;b&gt;429s&lt;/b&gt; %6 &amp;nbsp; &lt;b&gt;Retries&lt;/b&gt; %7 &amp;nbsp; &lt;b&gt;Fallbacks&lt;/b&gt; %8 &amp;nbsp; &lt;b&gt;Spend&lt;/b&gt; %9</source>
        <translation>&lt;b&gt;Fertig&lt;/b&gt; %1 &amp;nbsp; &lt;b&gt;Fehlgeschlagen&lt;/b&gt; %2 &amp;nbsp; &lt;b&gt;Wartend&lt;/b&gt; %3 &amp;nbsp; &lt;b&gt;Laufend&lt;/b&gt; %4 &amp;nbsp; &lt;b&gt;Aufrufe&lt;/b&gt; %5 &amp;nbsp; &lt;b&gt;429er&lt;/b&gt; %6 &amp;nbsp; &lt;b&gt;Wiederholungen&lt;/b&gt; %7 &amp;nbsp; &lt;b&gt;Ausweichmodelle&lt;/b&gt; %8 &amp;nbsp; &lt;b&gt;Ausgaben&lt;/b&gt; %9</translation>
    </message>
    <message>
        <location line="+13"/>
        <source>Queued by model group: %1</source>
        <translation>Wartend je Modellgruppe: %1</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Paused: no new calls are sent.</source>
        <translation>Pausiert: Es werden keine neuen Aufrufe gesendet.</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Waiting: %1</source>
        <translation>Wartet: %1</translation>
    </message>
    <message>
        <location line="+27"/>
        <source>Budget %1</source>
        <translation>Budget %1</translation>
    </message>
    <message>
        <location line="+38"/>
        <source>(not created yet)</source>
        <translation>(noch nicht angelegt)</translation>
    </message>
    <message>
        <location line="+36"/>
        <source>Storage failure: %1</source>
        <translation>Speicherfehler: %1</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Storage failure</source>
        <translation>Speicherfehler</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Finished: %1 done, %2 failed, %3 calls, %4 429s, %5 in %6%7</source>
        <translation>Beendet: %1 fertig, %2 fehlgeschlagen, %3 Aufrufe, %4 429er, %5 in %6%7</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Could not run</source>
        <translation>Konnte nicht laufen</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Cancelled after %1</source>
        <translation>Abgebrochen nach %1</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Stopped by the budget after %1</source>
        <translation>Vom Budget angehalten nach %1</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Finished in %1</source>
        <translation>Beendet in %1</translation>
    </message>
    <message>
        <location line="-550"/>
        <source>Deployments</source>
        <translation>Deployments</translation>
    </message>
    <message>
        <location line="+40"/>
        <source>Budget</source>
        <translation>Budget</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>USD</source>
        <translation>USD</translation>
    </message>
    <message>
        <location line="+21"/>
        <source>Events</source>
        <translation>Ereignisse</translation>
    </message>
    <message>
        <location line="+92"/>
        <source>unknown</source>
        <translation>unbekannt</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>%1 s</source>
        <translation>%1 s</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>%1 min %2 s</source>
        <translation>%1 min %2 s</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>%1 h %2 min</source>
        <translation>%1 h %2 min</translation>
    </message>
    <message>
        <location line="+7"/>
        <location line="+62"/>
        <source>Resume</source>
        <translation>Fortsetzen</translation>
    </message>
    <message>
        <location line="-22"/>
        <source>The run cannot start</source>
        <translation>Der Lauf kann nicht starten</translation>
    </message>
    <message numerus="yes">
        <location line="+1"/>
        <source>The Models page has %n problem(s) to fix first:</source>
        <translation>
            <numerusform>Auf der Seite „Modelle“ ist zuerst %n Problem zu beheben:</numerusform>
            <numerusform>Auf der Seite „Modelle“ sind zuerst %n Probleme zu beheben:</numerusform>
        </translation>
    </message>
    <message>
        <location line="+16"/>
        <source>Results database exists</source>
        <translation>Ergebnisdatenbank existiert bereits</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>%1 already holds results of an earlier run.

Resume runs only the jobs that are not done yet; a new database starts from scratch.</source>
        <translation>%1 enthält bereits Ergebnisse eines früheren Laufs.

Fortsetzen führt nur die noch nicht erledigten Aufträge aus; eine neue Datenbank beginnt von vorn.</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Use a new database</source>
        <translation>Neue Datenbank verwenden</translation>
    </message>
    <message>
        <location line="+46"/>
        <source>Starting %1 → %2</source>
        <translation>Starte %1 → %2</translation>
    </message>
    <message>
        <location line="+29"/>
        <source>Cancelling… (the run can be resumed later)</source>
        <translation>Wird abgebrochen… (der Lauf kann später fortgesetzt werden)</translation>
    </message>
    <message numerus="yes">
        <location line="+57"/>
        <source>… %n more event(s) not shown</source>
        <translation>
            <numerusform>… %n weiteres Ereignis nicht angezeigt</numerusform>
            <numerusform>… %n weitere Ereignisse nicht angezeigt</numerusform>
        </translation>
    </message>
    <message>
        <location line="+22"/>
        <source>paused</source>
        <translation>pausiert</translation>
    </message>
    <message>
        <location line="+2"/>
        <location line="+2"/>
        <source>ETA %1</source>
        <translation>Restzeit %1</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Elapsed %1 · %2</source>
        <translation>Vergangen %1 · %2</translation>
    </message>
    <message>
        <location line="+137"/>
        <source>Could not run: %1</source>
        <translation>Lauf nicht möglich: %1</translation>
    </message>
    <message>
        <location line="+6"/>
        <source> — cancelled</source>
        <translation> — abgebrochen</translation>
    </message>
    <message>
        <location line="+0"/>
        <source> — stopped by the budget</source>
        <translation> — durch das Budget gestoppt</translation>
    </message>
</context>
<context>
    <name>wb::ui::SharedRunPanel</name>
    <message>
        <location filename="../ui/sharedrunpanel.cpp" line="+56"/>
        <source>Shared run</source>
        <translation>Gemeinsamer Lauf</translation>
    </message>
    <message>
        <location line="+32"/>
        <source>Worker</source>
        <translation>Worker</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Host</source>
        <translation>Host</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>PID</source>
        <translation>PID</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>State</source>
        <translation>Zustand</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Jobs done</source>
        <translation>Erledigte Aufträge</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>In flight</source>
        <translation>Laufend</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Last heartbeat</source>
        <translation>Letztes Lebenszeichen</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Shared rate windows:</source>
        <translation>Geteilte Ratenfenster:</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Deployments</source>
        <translation>Deployments</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Requests</source>
        <translation>Anfragen</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Tokens</source>
        <translation>Tokens</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Input tokens</source>
        <translation>Eingabe-Tokens</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Output tokens</source>
        <translation>Ausgabe-Tokens</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>What the windows shared through Redis count now, against each limit, for every process using these keys.</source>
        <translation>Was die über Redis geteilten Fenster jetzt zählen, gemessen an jedem Limit, für alle Prozesse, die diese Schlüssel verwenden.</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>Start a local worker</source>
        <translation>Lokalen Worker starten</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Runs “discernus worker” for the open project on this run store; it uses the saved files.</source>
        <translation>Startet „discernus worker“ für das offene Projekt auf diesem Laufspeicher; er verwendet die gespeicherten Dateien.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Stop local worker</source>
        <translation>Lokalen Worker stoppen</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>The worker finishes its calls in flight and gives its other jobs back.</source>
        <translation>Der Worker beendet seine laufenden Aufrufe und gibt seine übrigen Aufträge zurück.</translation>
    </message>
    <message>
        <location line="+13"/>
        <source>Run store:</source>
        <translation>Laufspeicher:</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Status:</source>
        <translation>Status:</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Progress:</source>
        <translation>Fortschritt:</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Spent:</source>
        <translation>Ausgegeben:</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Workers:</source>
        <translation>Worker:</translation>
    </message>
    <message>
        <location line="+31"/>
        <source>“%1” is not a PostgreSQL URL: give postgresql://user@host:port/dbname</source>
        <translation>„%1“ ist keine PostgreSQL-URL: Geben Sie postgresql://benutzer@host:port/datenbank an</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>Connecting…</source>
        <translation>Verbindung wird hergestellt…</translation>
    </message>
    <message>
        <location line="+37"/>
        <source>Connecting to Redis at %1…</source>
        <translation>Verbindung zu Redis auf %1 wird hergestellt…</translation>
    </message>
    <message>
        <location line="+18"/>
        <source>Redis: %1</source>
        <translation>Redis: %1</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Redis at %1: no process has admitted a call yet.</source>
        <translation>Redis auf %1: Noch kein Prozess hat einen Aufruf zugelassen.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Redis at %1, read %2.</source>
        <translation>Redis auf %1, gelesen %2.</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>%1 / %2 (%3 %)</source>
        <translation>%1 / %2 (%3 %)</translation>
    </message>
    <message>
        <location line="+23"/>
        <source>%1 s ago</source>
        <translation>vor %1 s</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>%1 min ago</source>
        <translation>vor %1 min</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>%1 h ago</source>
        <translation>vor %1 h</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>%1 jobs: %2 done, %3 failed, %4 pending, %5 in flight</source>
        <translation>%1 Aufträge: %2 erledigt, %3 fehlgeschlagen, %4 offen, %5 laufend</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>%1 in %2 calls (%3 × HTTP 429)</source>
        <translation>%1 in %2 Aufrufen (%3 × HTTP 429)</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Updated %1 — every %2 s</source>
        <translation>Aktualisiert %1 — alle %2 s</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Not watching a run store.</source>
        <translation>Es wird kein Laufspeicher beobachtet.</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>running</source>
        <translation>läuft</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>stopped</source>
        <translation>gestoppt</translation>
    </message>
    <message>
        <location line="+16"/>
        <source>Cannot read the run store: %1</source>
        <translation>Der Laufspeicher kann nicht gelesen werden: %1</translation>
    </message>
    <message>
        <location line="+20"/>
        <source>Watch a shared run first.</source>
        <translation>Beobachten Sie zuerst einen gemeinsamen Lauf.</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Open a project first: the worker runs its model list and experiment.</source>
        <translation>Öffnen Sie zuerst ein Projekt: Der Worker führt dessen Modellliste und Experiment aus.</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>A local worker is running already.</source>
        <translation>Ein lokaler Worker läuft bereits.</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>%1 is missing: the worker is the discernus command-line program</source>
        <translation>%1 fehlt: Der Worker ist das Kommandozeilenprogramm discernus</translation>
    </message>
    <message>
        <location line="+26"/>
        <source>Local worker ended abnormally.</source>
        <translation>Der lokale Worker endete unerwartet.</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Local worker finished.</source>
        <translation>Der lokale Worker ist fertig.</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Local worker stopped with exit code %1.</source>
        <translation>Der lokale Worker endete mit Exit-Code %1.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Local worker stopped with exit code %1: %2</source>
        <translation>Der lokale Worker endete mit Exit-Code %1: %2</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>The local worker could not be started: %1</source>
        <translation>Der lokale Worker konnte nicht gestartet werden: %1</translation>
    </message>
    <message>
        <location line="+24"/>
        <source>Stopping: finishing the calls in flight…</source>
        <translation>Wird gestoppt: Die laufenden Aufrufe werden abgeschlossen…</translation>
    </message>
    <message>
        <location line="+16"/>
        <source>Local worker starting…</source>
        <translation>Lokaler Worker startet…</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Local worker running (pid %1).</source>
        <translation>Lokaler Worker läuft (PID %1).</translation>
    </message>
</context>
<context>
    <name>wb::ui::StatisticsView</name>
    <message>
        <location filename="../ui/statisticsview.cpp" line="+24"/>
        <source>No results yet — run the experiment first</source>
        <translation>Noch keine Ergebnisse — zuerst das Experiment ausführen</translation>
    </message>
    <message>
        <location line="+104"/>
        <source>Dimension / comparison</source>
        <translation>Dimension / Vergleich</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>α interval [95 % CI]</source>
        <translation>α intervall [95-%-KI]</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>α ordinal [95 % CI]</source>
        <translation>α ordinal [95-%-KI]</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Pearson r</source>
        <translation>Pearson r</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Spearman ρ</source>
        <translation>Spearman ρ</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Texts (n)</source>
        <translation>Texte (n)</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Recompute</source>
        <translation>Neu berechnen</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Export statistics…</source>
        <translation>Statistik exportieren…</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Export statistics</source>
        <translation>Statistik exportieren</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>CSV files (*.csv)</source>
        <translation>CSV-Dateien (*.csv)</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Krippendorff&apos;s α across models (units = texts; a model&apos;s value is the mean of its repetitions), stability across repetitions, and correlations between models. Finished jobs of the Results page&apos;s filter.</source>
        <translation>Krippendorffs α über die Modelle (Einheiten = Texte; der Wert eines Modells ist der Mittelwert seiner Wiederholungen), Stabilität über Wiederholungen und Korrelationen zwischen Modellen. Fertige Jobs des Filters der Seite „Ergebnisse“.</translation>
    </message>
    <message>
        <location line="+59"/>
        <source>Computing agreement statistics…</source>
        <translation>Übereinstimmungsstatistik wird berechnet…</translation>
    </message>
    <message>
        <location line="+26"/>
        <source>Results were written since these figures were computed (%1); computing them again…</source>
        <translation>Seit diese Zahlen berechnet wurden (%1), sind Ergebnisse hinzugekommen; sie werden neu berechnet…</translation>
    </message>
    <message>
        <location line="+31"/>
        <source>stored with the results on %1; no result was written since</source>
        <translation>bei den Ergebnissen gespeichert am %1; seither kein neues Ergebnis</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>stored with the results on %1 (computed in %2 s); no result was written since</source>
        <translation>bei den Ergebnissen gespeichert am %1 (berechnet in %2 s); seither kein neues Ergebnis</translation>
    </message>
    <message numerus="yes">
        <location line="+23"/>
        <source>across %n model(s)</source>
        <translation>
            <numerusform>über %n Modell</numerusform>
            <numerusform>über %n Modelle</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location line="+7"/>
        <source>stability of %1 (%n repetition(s))</source>
        <translation>
            <numerusform>Stabilität von %1 (%n Wiederholung)</numerusform>
            <numerusform>Stabilität von %1 (%n Wiederholungen)</numerusform>
        </translation>
    </message>
    <message>
        <location line="+6"/>
        <source>%1 vs %2</source>
        <translation>%1 gegen %2</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>No finished results with scores</source>
        <translation>Keine fertigen Ergebnisse mit Werten</translation>
    </message>
    <message numerus="yes">
        <location line="+1"/>
        <source>%n dimension(s); intervals from %1 bootstrap draws</source>
        <translation>
            <numerusform>%n Dimension; Intervalle aus %1 Bootstrap-Ziehungen</numerusform>
            <numerusform>%n Dimensionen; Intervalle aus %1 Bootstrap-Ziehungen</numerusform>
        </translation>
    </message>
    <message>
        <location line="+3"/>
        <source>%1 — %2</source>
        <translation>%1 — %2</translation>
    </message>
    <message>
        <location line="+12"/>
        <source>Cannot write %1: %2</source>
        <translation>%1 kann nicht geschrieben werden: %2</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Exported the statistics to %1</source>
        <translation>Statistik nach %1 exportiert</translation>
    </message>
    <message>
        <location line="-225"/>
        <source>95 % interval: bag of little bootstraps, %1 subsets of %2 texts, %3 resamples</source>
        <translation>95-%-Intervall: Bag of Little Bootstraps, %1 Teilmengen zu je %2 Texten, %3 Resamples</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>95 % interval: percentile bootstrap, %1 resamples</source>
        <translation>95-%-Intervall: Perzentil-Bootstrap, %1 Resamples</translation>
    </message>
</context>
</TS>
