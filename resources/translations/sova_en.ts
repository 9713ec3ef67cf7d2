<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="en_US" sourcelanguage="en">
<context>
    <name>AnswerDetails</name>
    <message>
        <source>Used memory (what you told Sova earlier):</source>
        <translation>Used memory (what you told Sova earlier):</translation>
    </message>
    <message>
        <source>the better answer you wrote</source>
        <translation>the better answer you wrote</translation>
    </message>
    <message>
        <source>an answer you rated %1 of 5</source>
        <translation>an answer you rated %1 of 5</translation>
    </message>
    <message>
        <source>an answer you rated with a thumb up</source>
        <translation>an answer you rated with a thumb up</translation>
    </message>
    <message>
        <source>an answer you rated highly</source>
        <translation>an answer you rated highly</translation>
    </message>
    <message>
        <source>Learned from your rating:</source>
        <translation>Learned from your rating:</translation>
    </message>
    <message>
        <source>the model was shown, as an example, %1 (to an earlier, similar question).</source>
        <translation>the model was shown, as an example, %1 (to an earlier, similar question).</translation>
    </message>
    <message>
        <source>similarity to this question %1</source>
        <translation>similarity to this question %1</translation>
    </message>
    <message>
        <source>Earlier question: %1</source>
        <translation>Earlier question: %1</translation>
    </message>
    <message>
        <source>Adapter: %1 (the model fine-tuned on your ratings)</source>
        <translation>Adapter: %1 (the model fine-tuned on your ratings)</translation>
    </message>
    <message>
        <source>The model %1 saw the pictures themselves; it was also given what Sova read from them:</source>
        <translation>The model %1 saw the pictures themselves; it was also given what Sova read from them:</translation>
    </message>
    <message>
        <source>The model %1 does not see pictures: it answered from what Sova read from them:</source>
        <translation>The model %1 does not see pictures: it answered from what Sova read from them:</translation>
    </message>
    <message>
        <source>it could not be read.</source>
        <translation>it could not be read.</translation>
    </message>
    <message>
        <source>Seems to show (image classifier): %1</source>
        <translation>Seems to show (image classifier): %1</translation>
    </message>
    <message>
        <source>Main colours: %1</source>
        <translation>Main colours: %1</translation>
    </message>
    <message>
        <source>Taken: %1</source>
        <translation>Taken: %1</translation>
    </message>
    <message>
        <source>Text recognition is not installed.</source>
        <translation>Text recognition is not installed.</translation>
    </message>
    <message>
        <source>Read from the picture %1:</source>
        <translation>Read from the picture %1:</translation>
    </message>
    <message>
        <source>No text found in it.</source>
        <translation>No text found in it.</translation>
    </message>
    <message>
        <source>p. %1</source>
        <translation>p. %1</translation>
    </message>
    <message>
        <source>collection “%1”</source>
        <translation>collection “%1”</translation>
    </message>
    <message>
        <source>rank score %1</source>
        <translation>rank score %1</translation>
    </message>
    <message>
        <source>meaning %1</source>
        <translation>meaning %1</translation>
    </message>
    <message>
        <source>keywords %1</source>
        <translation>keywords %1</translation>
    </message>
    <message>
        <source>no shared keywords</source>
        <translation>no shared keywords</translation>
    </message>
    <message>
        <source>%1 neighbouring chunks merged</source>
        <translation>%1 neighbouring chunks merged</translation>
    </message>
    <message>
        <source>cited in the answer</source>
        <translation>cited in the answer</translation>
    </message>
    <message>
        <source>not cited</source>
        <translation>not cited</translation>
    </message>
</context>
<context>
    <name>AnswerDetailsDialog</name>
    <message>
        <source>Answer details</source>
        <translation>Answer details</translation>
    </message>
    <message>
        <source>The model was given these passages from your documents, best first. The rank score orders them (meaning and keywords together); meaning is the similarity of the passage to the question, keywords the score of the words they share.</source>
        <translation>The model was given these passages from your documents, best first. The rank score orders them (meaning and keywords together); meaning is the similarity of the passage to the question, keywords the score of the words they share.</translation>
    </message>
</context>
<context>
    <name>AppearancePage</name>
    <message>
        <source>Language:</source>
        <translation>Language:</translation>
    </message>
    <message>
        <source>Theme:</source>
        <translation>Theme:</translation>
    </message>
    <message>
        <source>Font size:</source>
        <translation>Font size:</translation>
    </message>
    <message>
        <source>As the system</source>
        <translation>As the system</translation>
    </message>
    <message>
        <source>Light</source>
        <translation>Light</translation>
    </message>
    <message>
        <source>Dark</source>
        <translation>Dark</translation>
    </message>
    <message>
        <source>System default</source>
        <translation>System default</translation>
    </message>
    <message>
        <source> pt</source>
        <translation> pt</translation>
    </message>
</context>
<context>
    <name>AttachButton</name>
    <message>
        <source>Attach pictures to ask about (or paste one with Ctrl+V, or drop it here)</source>
        <translation>Attach pictures to ask about (or paste one with Ctrl+V, or drop it here)</translation>
    </message>
    <message>
        <source>Attach pictures</source>
        <translation>Attach pictures</translation>
    </message>
    <message>
        <source>Pictures (%1)</source>
        <translation>Pictures (%1)</translation>
    </message>
</context>
<context>
    <name>AttachmentStrip</name>
    <message>
        <source>At most %1 pictures go with one question.</source>
        <translation>At most %1 pictures go with one question.</translation>
    </message>
    <message>
        <source>The pasted picture could not be saved: %1</source>
        <translation>The pasted picture could not be saved: %1</translation>
    </message>
    <message>
        <source>The clipboard holds no picture and no text to paste.</source>
        <translation>The clipboard holds no picture and no text to paste.</translation>
    </message>
</context>
<context>
    <name>Banner</name>
    <message>
        <source>Dismiss</source>
        <translation>Dismiss</translation>
    </message>
</context>
<context>
    <name>BubbleDelegate</name>
    <message>
        <source>You</source>
        <translation>You</translation>
    </message>
    <message>
        <source>Sova</source>
        <translation>Sova</translation>
    </message>
    <message>
        <source>adapter %1</source>
        <translation>adapter %1</translation>
    </message>
    <message>
        <source>by voice</source>
        <translation>by voice</translation>
    </message>
    <message>
        <source>Thinking…</source>
        <translation>Thinking…</translation>
    </message>
    <message>
        <source>Stop</source>
        <translation>Stop</translation>
    </message>
    <message>
        <source>Regenerate</source>
        <translation>Regenerate</translation>
    </message>
    <message>
        <source>Copy</source>
        <translation>Copy</translation>
    </message>
    <message>
        <source>Details</source>
        <translation>Details</translation>
    </message>
    <message>
        <source>Edit</source>
        <translation>Edit</translation>
    </message>
    <message>
        <source>The answer failed.</source>
        <translation>The answer failed.</translation>
    </message>
    <message>
        <source>Interrupted</source>
        <translation>Interrupted</translation>
    </message>
    <message>
        <source>%1 tok/s</source>
        <translation>%1 tok/s</translation>
    </message>
    <message>
        <source>p. %1</source>
        <translation>p. %1</translation>
    </message>
    <message>
        <source>Sources:</source>
        <translation>Sources:</translation>
    </message>
</context>
<context>
    <name>ChatInput</name>
    <message>
        <source>Ask Sova… (Enter sends, Shift+Enter for a new line)</source>
        <translation>Ask Sova… (Enter sends, Shift+Enter for a new line)</translation>
    </message>
</context>
<context>
    <name>ChatPanel</name>
    <message>
        <source>Who answers in this conversation (Settings → Personas)</source>
        <translation>Who answers in this conversation (Settings → Personas)</translation>
    </message>
    <message>
        <source>Answer from documents</source>
        <translation>Answer from documents</translation>
    </message>
    <message>
        <source>Answer this conversation from your indexed documents, with sources</source>
        <translation>Answer this conversation from your indexed documents, with sources</translation>
    </message>
    <message>
        <source>Which document collections this conversation answers from</source>
        <translation>Which document collections this conversation answers from</translation>
    </message>
    <message>
        <source>Editing your last question: Enter resends it, Esc cancels.</source>
        <translation>Editing your last question: Enter resends it, Esc cancels.</translation>
    </message>
    <message>
        <source>New chat</source>
        <translation>New chat</translation>
    </message>
    <message>
        <source>Stop</source>
        <translation>Stop</translation>
    </message>
    <message>
        <source>Stop the answer (the part already written is kept)</source>
        <translation>Stop the answer (the part already written is kept)</translation>
    </message>
    <message>
        <source>Send</source>
        <translation>Send</translation>
    </message>
    <message>
        <source>Wait for the current answer or stop it first</source>
        <translation>Wait for the current answer or stop it first</translation>
    </message>
    <message>
        <source>Send (Enter)</source>
        <translation>Send (Enter)</translation>
    </message>
    <message>
        <source>Stopping…</source>
        <translation>Stopping…</translation>
    </message>
    <message>
        <source>Copied</source>
        <translation>Copied</translation>
    </message>
    <message>
        <source>The answer failed: %1</source>
        <translation>The answer failed: %1</translation>
    </message>
    <message>
        <source>Stopped; the partial answer is saved.</source>
        <translation>Stopped; the partial answer is saved.</translation>
    </message>
</context>
<context>
    <name>ChatView</name>
    <message>
        <source>Ask a question below. Sova answers with a local model; nothing leaves this computer.

Turn on “Answer from documents” to get answers with sources from your files.</source>
        <translation>Ask a question below. Sova answers with a local model; nothing leaves this computer.

Turn on “Answer from documents” to get answers with sources from your files.</translation>
    </message>
    <message>
        <source>Copy</source>
        <translation>Copy</translation>
    </message>
    <message>
        <source>Regenerate</source>
        <translation>Regenerate</translation>
    </message>
    <message>
        <source>Edit and resend</source>
        <translation>Edit and resend</translation>
    </message>
    <message>
        <source>Stop</source>
        <translation>Stop</translation>
    </message>
    <message>
        <source>Comment / suggest a better answer…</source>
        <translation>Comment / suggest a better answer…</translation>
    </message>
</context>
<context>
    <name>Codes</name>
    <message>
        <source>Loading the model…</source>
        <translation>Loading the model…</translation>
    </message>
    <message>
        <source>Searching your documents…</source>
        <translation>Searching your documents…</translation>
    </message>
    <message>
        <source>Waiting for the model: %1 ahead of this question…</source>
        <translation>Waiting for the model: %1 ahead of this question…</translation>
    </message>
    <message>
        <source>Waiting for the model to finish a background task…</source>
        <translation>Waiting for the model to finish a background task…</translation>
    </message>
    <message>
        <source>The model is restarting (attempt %1 of %2)…</source>
        <translation>The model is restarting (attempt %1 of %2)…</translation>
    </message>
    <message>
        <source>Paused for your question.</source>
        <translation>Paused for your question.</translation>
    </message>
    <message>
        <source>Older messages were left out to fit the context window.</source>
        <translation>Older messages were left out to fit the context window.</translation>
    </message>
    <message>
        <source>Reading the picture %1 (%2 of %3)…</source>
        <translation>Reading the picture %1 (%2 of %3)…</translation>
    </message>
    <message>
        <source>The model began in another language; answering again in Russian…</source>
        <translation>The model began in another language; answering again in Russian…</translation>
    </message>
    <message>
        <source>The model began in another language; answering again in English…</source>
        <translation>The model began in another language; answering again in English…</translation>
    </message>
    <message>
        <source>The model answered with source numbers only; answering again…</source>
        <translation>The model answered with source numbers only; answering again…</translation>
    </message>
    <message>
        <source>The model repeated the question instead of answering; answering again…</source>
        <translation>The model repeated the question instead of answering; answering again…</translation>
    </message>
    <message>
        <source>Answering again…</source>
        <translation>Answering again…</translation>
    </message>
    <message>
        <source>The model stopped unexpectedly; it is being restarted. The partial answer is saved.</source>
        <translation>The model stopped unexpectedly; it is being restarted. The partial answer is saved.</translation>
    </message>
    <message>
        <source>The model is busy: %1 requests are already waiting. Try again in a moment.</source>
        <translation>The model is busy: %1 requests are already waiting. Try again in a moment.</translation>
    </message>
    <message>
        <source>The model was busy for too long; the question was not sent. Try again.</source>
        <translation>The model was busy for too long; the question was not sent. Try again.</translation>
    </message>
    <message>
        <source>The answer took longer than %1 s and was stopped; the part written so far is kept.</source>
        <translation>The answer took longer than %1 s and was stopped; the part written so far is kept.</translation>
    </message>
    <message>
        <source>The model server cannot be reached. Check that it is running and the address in Settings.</source>
        <translation>The model server cannot be reached. Check that it is running and the address in Settings.</translation>
    </message>
    <message>
        <source>The model server&apos;s address %1 is not known on this network.</source>
        <translation>The model server&apos;s address %1 is not known on this network.</translation>
    </message>
    <message>
        <source>The server has no model named %1. Choose one of its models in Settings → Models.</source>
        <translation>The server has no model named %1. Choose one of its models in Settings → Models.</translation>
    </message>
    <message>
        <source>That address is not an OpenAI-compatible server (it should end in /v1). Check it in Settings.</source>
        <translation>That address is not an OpenAI-compatible server (it should end in /v1). Check it in Settings.</translation>
    </message>
    <message>
        <source>The model server failed (HTTP %1).</source>
        <translation>The model server failed (HTTP %1).</translation>
    </message>
    <message>
        <source>The model server is busy (too many requests). Try again shortly.</source>
        <translation>The model server is busy (too many requests). Try again shortly.</translation>
    </message>
    <message>
        <source>The model server rejected the request: %1</source>
        <translation>The model server rejected the request: %1</translation>
    </message>
    <message>
        <source>The model server lists no models.</source>
        <translation>The model server lists no models.</translation>
    </message>
    <message>
        <source>The model server refused the API key. Enter the right key in Settings → Models.</source>
        <translation>The model server refused the API key. Enter the right key in Settings → Models.</translation>
    </message>
    <message>
        <source>The model server did not answer in time.</source>
        <translation>The model server did not answer in time.</translation>
    </message>
    <message>
        <source>The model server closed the connection in the middle of the answer; the part received is kept.</source>
        <translation>The model server closed the connection in the middle of the answer; the part received is kept.</translation>
    </message>
    <message>
        <source>The model server answered with something Sova does not understand.</source>
        <translation>The model server answered with something Sova does not understand.</translation>
    </message>
    <message>
        <source>The model keeps crashing. Try a smaller context size or another model in Settings, then send again.</source>
        <translation>The model keeps crashing. Try a smaller context size or another model in Settings, then send again.</translation>
    </message>
    <message>
        <source>A bundled model package is missing or damaged: reinstall %1.</source>
        <translation>A bundled model package is missing or damaged: reinstall %1.</translation>
    </message>
    <message>
        <source>Sova&apos;s database %1 cannot be used; your data is untouched. Details are in the log.</source>
        <translation>Sova&apos;s database %1 cannot be used; your data is untouched. Details are in the log.</translation>
    </message>
    <message>
        <source>Document search failed (%1); the answer does not use your documents.</source>
        <translation>Document search failed (%1); the answer does not use your documents.</translation>
    </message>
    <message>
        <source>The model did not answer in Russian, even when asked again.</source>
        <translation>The model did not answer in Russian, even when asked again.</translation>
    </message>
    <message>
        <source>The model did not answer in English, even when asked again.</source>
        <translation>The model did not answer in English, even when asked again.</translation>
    </message>
    <message>
        <source>%1: the file is gone.</source>
        <translation>%1: the file is gone.</translation>
    </message>
    <message>
        <source>%1: the file is empty.</source>
        <translation>%1: the file is empty.</translation>
    </message>
    <message>
        <source>%1 is not a picture Sova can read (whatever its name says).</source>
        <translation>%1 is not a picture Sova can read (whatever its name says).</translation>
    </message>
    <message>
        <source>%1: the picture is damaged or cut short.</source>
        <translation>%1: the picture is damaged or cut short.</translation>
    </message>
    <message>
        <source>%1: this variant of the format cannot be read.</source>
        <translation>%1: this variant of the format cannot be read.</translation>
    </message>
    <message>
        <source>%1 has too many pixels to be a photo (it may be a decompression bomb); it was not opened.</source>
        <translation>%1 has too many pixels to be a photo (it may be a decompression bomb); it was not opened.</translation>
    </message>
    <message>
        <source>%1: the file does not exist.</source>
        <translation>%1: the file does not exist.</translation>
    </message>
    <message>
        <source>%1 is not a GGUF file.</source>
        <translation>%1 is not a GGUF file.</translation>
    </message>
    <message>
        <source>%1 is a projector, not a language model: choose the model first, then its mmproj file.</source>
        <translation>%1 is a projector, not a language model: choose the model first, then its mmproj file.</translation>
    </message>
    <message>
        <source>%1 is not a language model.</source>
        <translation>%1 is not a language model.</translation>
    </message>
    <message>
        <source>%1 is not a multimodal projector (mmproj) file.</source>
        <translation>%1 is not a multimodal projector (mmproj) file.</translation>
    </message>
    <message>
        <source>%1 has no image encoder (it may be an audio projector).</source>
        <translation>%1 has no image encoder (it may be an audio projector).</translation>
    </message>
    <message>
        <source>%1: Sova cannot tell what size of embeddings this projector makes.</source>
        <translation>%1: Sova cannot tell what size of embeddings this projector makes.</translation>
    </message>
    <message>
        <source>llama.cpp cannot use the projector %1 with this model: add the model again with the mmproj file made for it.</source>
        <translation>llama.cpp cannot use the projector %1 with this model: add the model again with the mmproj file made for it.</translation>
    </message>
    <message>
        <source>%1 belongs to another model: it makes %2-wide image embeddings, the model expects %3.</source>
        <translation>%1 belongs to another model: it makes %2-wide image embeddings, the model expects %3.</translation>
    </message>
    <message>
        <source>Loading %1…</source>
        <translation>Loading %1…</translation>
    </message>
    <message>
        <source>%1: restarting in %2 s (%3 of %4)</source>
        <translation>%1: restarting in %2 s (%3 of %4)</translation>
    </message>
    <message>
        <source>%1: not loaded</source>
        <translation>%1: not loaded</translation>
    </message>
    <message>
        <source>The model crashed again; restarting it with a smaller batch.</source>
        <translation>The model crashed again; restarting it with a smaller batch.</translation>
    </message>
    <message>
        <source>The model crashed again; switching to the smaller bundled model for now.</source>
        <translation>The model crashed again; switching to the smaller bundled model for now.</translation>
    </message>
    <message>
        <source>The model stopped unexpectedly; restarting it in %1 s (attempt %2 of %3). Your conversation and the partial answer are saved.</source>
        <translation>The model stopped unexpectedly; restarting it in %1 s (attempt %2 of %3). Your conversation and the partial answer are saved.</translation>
    </message>
    <message>
        <source>The model is running again.</source>
        <translation>The model is running again.</translation>
    </message>
    <message>
        <source>The model could not be loaded: %1</source>
        <translation>The model could not be loaded: %1</translation>
    </message>
</context>
<context>
    <name>Colours</name>
    <message>
        <source>black</source>
        <translation>black</translation>
    </message>
    <message>
        <source>white</source>
        <translation>white</translation>
    </message>
    <message>
        <source>gray</source>
        <translation>gray</translation>
    </message>
    <message>
        <source>silver</source>
        <translation>silver</translation>
    </message>
    <message>
        <source>red</source>
        <translation>red</translation>
    </message>
    <message>
        <source>dark red</source>
        <translation>dark red</translation>
    </message>
    <message>
        <source>orange</source>
        <translation>orange</translation>
    </message>
    <message>
        <source>yellow</source>
        <translation>yellow</translation>
    </message>
    <message>
        <source>beige</source>
        <translation>beige</translation>
    </message>
    <message>
        <source>brown</source>
        <translation>brown</translation>
    </message>
    <message>
        <source>green</source>
        <translation>green</translation>
    </message>
    <message>
        <source>dark green</source>
        <translation>dark green</translation>
    </message>
    <message>
        <source>olive</source>
        <translation>olive</translation>
    </message>
    <message>
        <source>teal</source>
        <translation>teal</translation>
    </message>
    <message>
        <source>cyan</source>
        <translation>cyan</translation>
    </message>
    <message>
        <source>light blue</source>
        <translation>light blue</translation>
    </message>
    <message>
        <source>blue</source>
        <translation>blue</translation>
    </message>
    <message>
        <source>navy</source>
        <translation>navy</translation>
    </message>
    <message>
        <source>purple</source>
        <translation>purple</translation>
    </message>
    <message>
        <source>pink</source>
        <translation>pink</translation>
    </message>
    <message>
        <source>magenta</source>
        <translation>magenta</translation>
    </message>
</context>
<context>
    <name>ConversationList</name>
    <message>
        <source>Search all chats</source>
        <translation>Search all chats</translation>
    </message>
    <message>
        <source>New chat</source>
        <translation>New chat</translation>
    </message>
    <message>
        <source>Start a new conversation (Ctrl+N)</source>
        <translation>Start a new conversation (Ctrl+N)</translation>
    </message>
    <message>
        <source>F2 renames, Delete deletes, right-click for more</source>
        <translation>F2 renames, Delete deletes, right-click for more</translation>
    </message>
    <message>
        <source>No chats match “%1”.</source>
        <translation>No chats match “%1”.</translation>
    </message>
    <message>
        <source>Delete conversation</source>
        <translation>Delete conversation</translation>
    </message>
    <message>
        <source>Delete “%1” and all its messages? This cannot be undone.</source>
        <translation>Delete “%1” and all its messages? This cannot be undone.</translation>
    </message>
    <message>
        <source>Export conversation</source>
        <translation>Export conversation</translation>
    </message>
    <message>
        <source>Markdown (*.md);;JSON (*.json)</source>
        <translation>Markdown (*.md);;JSON (*.json)</translation>
    </message>
    <message>
        <source>Rename</source>
        <translation>Rename</translation>
    </message>
    <message>
        <source>Export…</source>
        <translation>Export…</translation>
    </message>
    <message>
        <source>Delete…</source>
        <translation>Delete…</translation>
    </message>
</context>
<context>
    <name>DiagnosticsPage</name>
    <message>
        <source>Health</source>
        <translation>Health</translation>
    </message>
    <message>
        <source>Part</source>
        <translation>Part</translation>
    </message>
    <message>
        <source>State</source>
        <translation>State</translation>
    </message>
    <message>
        <source>Details</source>
        <translation>Details</translation>
    </message>
    <message>
        <source>Export diagnostics…</source>
        <translation>Export diagnostics…</translation>
    </message>
    <message>
        <source>Save a zip with versions, settings, metrics and logs for a bug report. It contains no conversations and no document text.</source>
        <translation>Save a zip with versions, settings, metrics and logs for a bug report. It contains no conversations and no document text.</translation>
    </message>
    <message>
        <source>seconds ago</source>
        <translation>seconds ago</translation>
    </message>
    <message>
        <source>request</source>
        <translation>request</translation>
    </message>
    <message>
        <source>Generation speed</source>
        <translation>Generation speed</translation>
    </message>
    <message>
        <source>tokens/s</source>
        <translation>tokens/s</translation>
    </message>
    <message>
        <source>tokens per second</source>
        <translation>tokens per second</translation>
    </message>
    <message>
        <source>Waiting</source>
        <translation>Waiting</translation>
    </message>
    <message>
        <source>seconds</source>
        <translation>seconds</translation>
    </message>
    <message>
        <source>first token</source>
        <translation>first token</translation>
    </message>
    <message>
        <source>in the queue</source>
        <translation>in the queue</translation>
    </message>
    <message>
        <source>Sova</source>
        <translation>Sova</translation>
    </message>
    <message>
        <source>model host</source>
        <translation>model host</translation>
    </message>
    <message>
        <source>Memory</source>
        <translation>Memory</translation>
    </message>
    <message>
        <source>MB</source>
        <translation>MB</translation>
    </message>
    <message>
        <source>CPU (100% = one core)</source>
        <translation>CPU (100% = one core)</translation>
    </message>
    <message>
        <source>The model stopped unexpectedly; restarting ({attempt} of {of})</source>
        <translation>The model stopped unexpectedly; restarting ({attempt} of {of})</translation>
    </message>
    <message>
        <source>model crashed</source>
        <translation>model crashed</translation>
    </message>
    <message>
        <source>model error</source>
        <translation>model error</translation>
    </message>
    <message>
        <source>took too long</source>
        <translation>took too long</translation>
    </message>
    <message>
        <source>refused, queue full</source>
        <translation>refused, queue full</translation>
    </message>
    <message>
        <source>waited too long in the queue</source>
        <translation>waited too long in the queue</translation>
    </message>
    <message>
        <source>server unreachable</source>
        <translation>server unreachable</translation>
    </message>
    <message>
        <source>API key refused</source>
        <translation>API key refused</translation>
    </message>
    <message>
        <source>server timed out</source>
        <translation>server timed out</translation>
    </message>
    <message>
        <source>server answer not understood</source>
        <translation>server answer not understood</translation>
    </message>
    <message>
        <source>server dropped the connection</source>
        <translation>server dropped the connection</translation>
    </message>
    <message>
        <source>other errors</source>
        <translation>other errors</translation>
    </message>
    <message>
        <source>{model} — requests: {requests}; speed: {speed} tokens/s; first token: {ttft50} s (95%: {ttft95} s); in the queue: {wait50} s (95%: {wait95} s)</source>
        <translation>{model} — requests: {requests}; speed: {speed} tokens/s; first token: {ttft50} s (95%: {ttft95} s); in the queue: {wait50} s (95%: {wait95} s)</translation>
    </message>
    <message>
        <source>Queue length</source>
        <translation>Queue length</translation>
    </message>
    <message>
        <source>requests</source>
        <translation>requests</translation>
    </message>
    <message>
        <source>Model</source>
        <translation>Model</translation>
    </message>
    <message>
        <source>Document index</source>
        <translation>Document index</translation>
    </message>
    <message>
        <source>Speech recognition</source>
        <translation>Speech recognition</translation>
    </message>
    <message>
        <source>Working</source>
        <translation>Working</translation>
    </message>
    <message>
        <source>Starting</source>
        <translation>Starting</translation>
    </message>
    <message>
        <source>Degraded</source>
        <translation>Degraded</translation>
    </message>
    <message>
        <source>Down</source>
        <translation>Down</translation>
    </message>
    <message>
        <source>Not started</source>
        <translation>Not started</translation>
    </message>
    <message>
        <source>Restarted after a crash ({attempt} of {of})</source>
        <translation>Restarted after a crash ({attempt} of {of})</translation>
    </message>
    <message>
        <source>Restarted with a smaller batch to use less memory</source>
        <translation>Restarted with a smaller batch to use less memory</translation>
    </message>
    <message>
        <source>Switched to the smaller bundled model</source>
        <translation>Switched to the smaller bundled model</translation>
    </message>
    <message>
        <source>The model keeps crashing; choose a smaller model or free memory</source>
        <translation>The model keeps crashing; choose a smaller model or free memory</translation>
    </message>
    <message>
        <source>The model could not be loaded</source>
        <translation>The model could not be loaded</translation>
    </message>
    <message>
        <source>No model is configured</source>
        <translation>No model is configured</translation>
    </message>
    <message>
        <source>The model server cannot be reached</source>
        <translation>The model server cannot be reached</translation>
    </message>
    <message>
        <source>The model server refused the API key</source>
        <translation>The model server refused the API key</translation>
    </message>
    <message>
        <source>The model server did not answer in time</source>
        <translation>The model server did not answer in time</translation>
    </message>
    <message>
        <source>The model server sent an answer Sova does not understand</source>
        <translation>The model server sent an answer Sova does not understand</translation>
    </message>
    <message>
        <source>The model server closed the connection mid-answer</source>
        <translation>The model server closed the connection mid-answer</translation>
    </message>
    <message>
        <source>A request took too long</source>
        <translation>A request took too long</translation>
    </message>
    <message>
        <source>Too many requests were waiting</source>
        <translation>Too many requests were waiting</translation>
    </message>
    <message>
        <source>A request waited too long in the queue</source>
        <translation>A request waited too long in the queue</translation>
    </message>
    <message>
        <source>A bundled model package is missing</source>
        <translation>A bundled model package is missing</translation>
    </message>
    <message>
        <source>A bundled model file is damaged</source>
        <translation>A bundled model file is damaged</translation>
    </message>
    <message>
        <source>No requests yet.</source>
        <translation>No requests yet.</translation>
    </message>
    <message>
        <source>Errors:</source>
        <translation>Errors:</translation>
    </message>
    <message>
        <source>Export diagnostics</source>
        <translation>Export diagnostics</translation>
    </message>
    <message>
        <source>Zip archives (*.zip)</source>
        <translation>Zip archives (*.zip)</translation>
    </message>
    <message>
        <source>Writing %1…</source>
        <translation>Writing %1…</translation>
    </message>
    <message>
        <source>Saved to %1</source>
        <translation>Saved to %1</translation>
    </message>
    <message>
        <source>Could not export diagnostics: %1</source>
        <translation>Could not export diagnostics: %1</translation>
    </message>
</context>
<context>
    <name>DocumentsModel</name>
    <message>
        <source>%1 pages</source>
        <translation>%1 pages</translation>
    </message>
    <message>
        <source>1 page</source>
        <translation>1 page</translation>
    </message>
    <message>
        <source>%1 passages</source>
        <translation>%1 passages</translation>
    </message>
    <message>
        <source>1 passage</source>
        <translation>1 passage</translation>
    </message>
    <message>
        <source>indexed</source>
        <translation>indexed</translation>
    </message>
    <message>
        <source>failed: %1</source>
        <translation>failed: %1</translation>
    </message>
    <message>
        <source>unknown error</source>
        <translation>unknown error</translation>
    </message>
    <message>
        <source>wrong password: enter it again</source>
        <translation>wrong password: enter it again</translation>
    </message>
    <message>
        <source>needs a password</source>
        <translation>needs a password</translation>
    </message>
    <message>
        <source>stopped before it was indexed</source>
        <translation>stopped before it was indexed</translation>
    </message>
    <message>
        <source>queued</source>
        <translation>queued</translation>
    </message>
    <message>
        <source>OCR page %1/%2</source>
        <translation>OCR page %1/%2</translation>
    </message>
    <message>
        <source>embedding %1/%2</source>
        <translation>embedding %1/%2</translation>
    </message>
    <message>
        <source>page %1/%2</source>
        <translation>page %1/%2</translation>
    </message>
    <message>
        <source>read, waiting for the embedder</source>
        <translation>read, waiting for the embedder</translation>
    </message>
    <message>
        <source>reading page %1/%2</source>
        <translation>reading page %1/%2</translation>
    </message>
    <message>
        <source>reading</source>
        <translation>reading</translation>
    </message>
    <message>
        <source>Collection: %1</source>
        <translation>Collection: %1</translation>
    </message>
    <message>
        <source>Note: %1</source>
        <translation>Note: %1</translation>
    </message>
</context>
<context>
    <name>DocumentsPanel</name>
    <message>
        <source>Add documents…</source>
        <translation>Add documents…</translation>
    </message>
    <message>
        <source>Index PDF, text, Markdown, HTML, DOCX or EPUB files</source>
        <translation>Index PDF, text, Markdown, HTML, DOCX or EPUB files</translation>
    </message>
    <message>
        <source>Add folder…</source>
        <translation>Add folder…</translation>
    </message>
    <message>
        <source>Index every document in a folder and its subfolders</source>
        <translation>Index every document in a folder and its subfolders</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>Cancel</translation>
    </message>
    <message>
        <source>Stop indexing; files already indexed stay</source>
        <translation>Stop indexing; files already indexed stay</translation>
    </message>
    <message>
        <source>Remove</source>
        <translation>Remove</translation>
    </message>
    <message>
        <source>Forget the selected files (the files on disk are not touched)</source>
        <translation>Forget the selected files (the files on disk are not touched)</translation>
    </message>
    <message>
        <source>Re-index</source>
        <translation>Re-index</translation>
    </message>
    <message>
        <source>Read and index the selected files again</source>
        <translation>Read and index the selected files again</translation>
    </message>
    <message>
        <source>Enter password…</source>
        <translation>Enter password…</translation>
    </message>
    <message>
        <source>No documents yet.

Drop files or folders onto the window, or use &quot;Add documents…&quot;. Then turn on &quot;Answer from documents&quot; in a chat.</source>
        <translation>No documents yet.

Drop files or folders onto the window, or use &quot;Add documents…&quot;. Then turn on &quot;Answer from documents&quot; in a chat.</translation>
    </message>
    <message>
        <source>Add documents</source>
        <translation>Add documents</translation>
    </message>
    <message>
        <source>Documents (%1)</source>
        <translation>Documents (%1)</translation>
    </message>
    <message>
        <source>All files (*)</source>
        <translation>All files (*)</translation>
    </message>
    <message>
        <source>Add a folder of documents</source>
        <translation>Add a folder of documents</translation>
    </message>
    <message>
        <source>Preparing…</source>
        <translation>Preparing…</translation>
    </message>
    <message>
        <source>Indexed %1 of %2</source>
        <translation>Indexed %1 of %2</translation>
    </message>
    <message>
        <source>Files: %1, indexed: %2, passages: %3</source>
        <translation>Files: %1, indexed: %2, passages: %3</translation>
    </message>
    <message>
        <source>failed: %1</source>
        <translation>failed: %1</translation>
    </message>
    <message>
        <source>loading the embedding model…</source>
        <translation>loading the embedding model…</translation>
    </message>
    <message>
        <source>Default</source>
        <translation>Default</translation>
    </message>
    <message>
        <source>paused</source>
        <translation>paused</translation>
    </message>
    <message>
        <source>Resume</source>
        <translation>Resume</translation>
    </message>
    <message>
        <source>Pause</source>
        <translation>Pause</translation>
    </message>
    <message>
        <source>Continue indexing</source>
        <translation>Continue indexing</translation>
    </message>
    <message>
        <source>Pause indexing for now</source>
        <translation>Pause indexing for now</translation>
    </message>
    <message>
        <source>Collections: %1</source>
        <translation>Collections: %1</translation>
    </message>
    <message>
        <source>Indexing stopped: %1</source>
        <translation>Indexing stopped: %1</translation>
    </message>
    <message>
        <source>%1 files in the folders were skipped (not documents or unreadable)</source>
        <translation>%1 files in the folders were skipped (not documents or unreadable)</translation>
    </message>
    <message>
        <source>Collection: %1</source>
        <translation>Collection: %1</translation>
    </message>
    <message>
        <source>Note: %1</source>
        <translation>Note: %1</translation>
    </message>
    <message>
        <source>Open file</source>
        <translation>Open file</translation>
    </message>
    <message>
        <source>about %1 s left</source>
        <translation>about %1 s left</translation>
    </message>
    <message>
        <source>about %1 min left</source>
        <translation>about %1 min left</translation>
    </message>
    <message>
        <source>about %1 h %2 min left</source>
        <translation>about %1 h %2 min left</translation>
    </message>
</context>
<context>
    <name>FeedbackPage</name>
    <message>
        <source>Quality</source>
        <translation>Quality</translation>
    </message>
    <message>
        <source>Training</source>
        <translation>Training</translation>
    </message>
</context>
<context>
    <name>ImageKinds</name>
    <message>
        <source>a bear</source>
        <translation>a bear</translation>
    </message>
    <message>
        <source>a big cat</source>
        <translation>a big cat</translation>
    </message>
    <message>
        <source>a bird</source>
        <translation>a bird</translation>
    </message>
    <message>
        <source>a dog</source>
        <translation>a dog</translation>
    </message>
    <message>
        <source>a domestic cat</source>
        <translation>a domestic cat</translation>
    </message>
    <message>
        <source>a fish</source>
        <translation>a fish</translation>
    </message>
    <message>
        <source>an insect</source>
        <translation>an insect</translation>
    </message>
    <message>
        <source>a monkey or an ape</source>
        <translation>a monkey or an ape</translation>
    </message>
    <message>
        <source>a wild dog or a fox</source>
        <translation>a wild dog or a fox</translation>
    </message>
</context>
<context>
    <name>LearningSettingsBox</name>
    <message>
        <source>Learn from answers rated at least:</source>
        <translation>Learn from answers rated at least:</translation>
    </message>
    <message>
        <source>A thumb up counts as 5 stars; answers you corrected always count</source>
        <translation>A thumb up counts as 5 stars; answers you corrected always count</translation>
    </message>
    <message>
        <source>Give the model highly rated answers to similar questions</source>
        <translation>Give the model highly rated answers to similar questions</translation>
    </message>
    <message>
        <source>When you ask something close to a question you rated highly, the model sees that answer as an example (no training needed)</source>
        <translation>When you ask something close to a question you rated highly, the model sees that answer as an example (no training needed)</translation>
    </message>
    <message>
        <source>Offer training when, over the last rated answers, quality falls below any of these bars:</source>
        <translation>Offer training when, over the last rated answers, quality falls below any of these bars:</translation>
    </message>
    <message>
        <source>Rated answers to look at:</source>
        <translation>Rated answers to look at:</translation>
    </message>
    <message>
        <source>Average below:</source>
        <translation>Average below:</translation>
    </message>
    <message>
        <source>Satisfied below:</source>
        <translation>Satisfied below:</translation>
    </message>
    <message>
        <source>Negative above:</source>
        <translation>Negative above:</translation>
    </message>
    <message>
        <source>New ratings since the last training, at least:</source>
        <translation>New ratings since the last training, at least:</translation>
    </message>
    <message>
        <source>Check every (days):</source>
        <translation>Check every (days):</translation>
    </message>
    <message>
        <source>Start training by itself when quality drops</source>
        <translation>Start training by itself when quality drops</translation>
    </message>
    <message>
        <source>Off: Sova asks first. An adapter that does not pass the check is never put to use by itself</source>
        <translation>Off: Sova asks first. An adapter that does not pass the check is never put to use by itself</translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <source>Sova</source>
        <translation>Sova</translation>
    </message>
    <message>
        <source>New chat</source>
        <translation>New chat</translation>
    </message>
    <message>
        <source>Documents</source>
        <translation>Documents</translation>
    </message>
    <message>
        <source>Show or hide your documents</source>
        <translation>Show or hide your documents</translation>
    </message>
    <message>
        <source>Source</source>
        <translation>Source</translation>
    </message>
    <message>
        <source>Settings</source>
        <translation>Settings</translation>
    </message>
    <message>
        <source>Diagnostics</source>
        <translation>Diagnostics</translation>
    </message>
    <message>
        <source>Live figures: speed, memory, queue and the health of each part</source>
        <translation>Live figures: speed, memory, queue and the health of each part</translation>
    </message>
    <message>
        <source>Toolbar</source>
        <translation>Toolbar</translation>
    </message>
    <message>
        <source>%1 · adapter %2</source>
        <translation>%1 · adapter %2</translation>
    </message>
    <message>
        <source>%1 tok/s · context %2 / %3</source>
        <translation>%1 tok/s · context %2 / %3</translation>
    </message>
    <message>
        <source>%1 prompt tokens (%2 evaluated), %3 answer tokens</source>
        <translation>%1 prompt tokens (%2 evaluated), %3 answer tokens</translation>
    </message>
    <message>
        <source>Sova cannot open these files: %1. It reads documents (%2), audio (%3) and pictures (%4).</source>
        <translation>Sova cannot open these files: %1. It reads documents (%2), audio (%3) and pictures (%4).</translation>
    </message>
</context>
<context>
    <name>MemoryPage</name>
    <message>
        <source>Remember what I tell Sova (memory on)</source>
        <translation>Remember what I tell Sova (memory on)</translation>
    </message>
    <message>
        <source>Notice facts about me in conversations by itself (in the background)</source>
        <translation>Notice facts about me in conversations by itself (in the background)</translation>
    </message>
    <message>
        <source>Search facts</source>
        <translation>Search facts</translation>
    </message>
    <message>
        <source>Fact</source>
        <translation>Fact</translation>
    </message>
    <message>
        <source>Memory of</source>
        <translation>Memory of</translation>
    </message>
    <message>
        <source>Changed</source>
        <translation>Changed</translation>
    </message>
    <message>
        <source>Add…</source>
        <translation>Add…</translation>
    </message>
    <message>
        <source>Edit…</source>
        <translation>Edit…</translation>
    </message>
    <message>
        <source>Delete</source>
        <translation>Delete</translation>
    </message>
    <message>
        <source>Forget everything…</source>
        <translation>Forget everything…</translation>
    </message>
    <message>
        <source>All personas</source>
        <translation>All personas</translation>
    </message>
    <message>
        <source>Shared memory</source>
        <translation>Shared memory</translation>
    </message>
    <message>
        <source>Own memory of %1</source>
        <translation>Own memory of %1</translation>
    </message>
    <message>
        <source>shared</source>
        <translation>shared</translation>
    </message>
    <message>
        <source>%1 facts remembered.</source>
        <translation>%1 facts remembered.</translation>
    </message>
    <message>
        <source>Unpin</source>
        <translation>Unpin</translation>
    </message>
    <message>
        <source>Pin</source>
        <translation>Pin</translation>
    </message>
    <message>
        <source>you asked Sova to remember it</source>
        <translation>you asked Sova to remember it</translation>
    </message>
    <message>
        <source>noticed in a conversation</source>
        <translation>noticed in a conversation</translation>
    </message>
    <message>
        <source>edited by you</source>
        <translation>edited by you</translation>
    </message>
    <message>
        <source>Open the conversation</source>
        <translation>Open the conversation</translation>
    </message>
    <message>
        <source>From your message:</source>
        <translation>From your message:</translation>
    </message>
    <message>
        <source>Earlier:</source>
        <translation>Earlier:</translation>
    </message>
    <message>
        <source>What should Sova remember about you?</source>
        <translation>What should Sova remember about you?</translation>
    </message>
    <message>
        <source>Edit the fact (the old text stays in its history):</source>
        <translation>Edit the fact (the old text stays in its history):</translation>
    </message>
    <message>
        <source>Forget everything Sova remembers about you? The facts, their history and their search vectors are erased and cannot be restored. Your conversations stay, and are not read for facts again.</source>
        <translation>Forget everything Sova remembers about you? The facts, their history and their search vectors are erased and cannot be restored. Your conversations stay, and are not read for facts again.</translation>
    </message>
    <message>
        <source>Forgot %1 facts.</source>
        <translation>Forgot %1 facts.</translation>
    </message>
    <message>
        <source>A fact cannot be empty.</source>
        <translation>A fact cannot be empty.</translation>
    </message>
    <message>
        <source>A fact is at most 300 characters long.</source>
        <translation>A fact is at most 300 characters long.</translation>
    </message>
    <message>
        <source>Could not change the memory: %1</source>
        <translation>Could not change the memory: %1</translation>
    </message>
    <message>
        <source>Memory</source>
        <translation>Memory</translation>
    </message>
</context>
<context>
    <name>PasswordPrompts</name>
    <message>
        <source>Password needed</source>
        <translation>Password needed</translation>
    </message>
    <message>
        <source>The password is wrong for “%1”. Try again:</source>
        <translation>The password is wrong for “%1”. Try again:</translation>
    </message>
    <message>
        <source>“%1” is protected by a password. Enter it to index the file:</source>
        <translation>“%1” is protected by a password. Enter it to index the file:</translation>
    </message>
    <message>
        <source>Index</source>
        <translation>Index</translation>
    </message>
</context>
<context>
    <name>PersonasPage</name>
    <message>
        <source>New</source>
        <translation>New</translation>
    </message>
    <message>
        <source>Duplicate</source>
        <translation>Duplicate</translation>
    </message>
    <message>
        <source>Delete</source>
        <translation>Delete</translation>
    </message>
    <message>
        <source>Import…</source>
        <translation>Import…</translation>
    </message>
    <message>
        <source>Export…</source>
        <translation>Export…</translation>
    </message>
    <message>
        <source>Name:</source>
        <translation>Name:</translation>
    </message>
    <message>
        <source>Instructions:</source>
        <translation>Instructions:</translation>
    </message>
    <message>
        <source>Spice level:</source>
        <translation>Spice level:</translation>
    </message>
    <message>
        <source>Temperature:</source>
        <translation>Temperature:</translation>
    </message>
    <message>
        <source>Answer language:</source>
        <translation>Answer language:</translation>
    </message>
    <message>
        <source>Documents in new chats:</source>
        <translation>Documents in new chats:</translation>
    </message>
    <message>
        <source>Memory:</source>
        <translation>Memory:</translation>
    </message>
    <message>
        <source>Who the assistant is and how it answers</source>
        <translation>Who the assistant is and how it answers</translation>
    </message>
    <message>
        <source>Own temperature</source>
        <translation>Own temperature</translation>
    </message>
    <message>
        <source>Off: the temperature of the Generation page</source>
        <translation>Off: the temperature of the Generation page</translation>
    </message>
    <message>
        <source>The question&apos;s language</source>
        <translation>The question&apos;s language</translation>
    </message>
    <message>
        <source>Shared with other personas</source>
        <translation>Shared with other personas</translation>
    </message>
    <message>
        <source>Its own memory</source>
        <translation>Its own memory</translation>
    </message>
    <message>
        <source>Off: remembers nothing</source>
        <translation>Off: remembers nothing</translation>
    </message>
    <message>
        <source>New chats start with this persona</source>
        <translation>New chats start with this persona</translation>
    </message>
    <message>
        <source>Save</source>
        <translation>Save</translation>
    </message>
    <message>
        <source>0: polite and neutral, no jokes</source>
        <translation>0: polite and neutral, no jokes</translation>
    </message>
    <message>
        <source>1: plain (the default tone)</source>
        <translation>1: plain (the default tone)</translation>
    </message>
    <message>
        <source>2: friendly, a little humour</source>
        <translation>2: friendly, a little humour</translation>
    </message>
    <message>
        <source>3: witty, with irony</source>
        <translation>3: witty, with irony</translation>
    </message>
    <message>
        <source>4: cheeky, teases you</source>
        <translation>4: cheeky, teases you</translation>
    </message>
    <message>
        <source>5: sarcastic roaster</source>
        <translation>5: sarcastic roaster</translation>
    </message>
    <message>
        <source>(default)</source>
        <translation>(default)</translation>
    </message>
    <message>
        <source>Off</source>
        <translation>Off</translation>
    </message>
    <message>
        <source>All collections</source>
        <translation>All collections</translation>
    </message>
    <message>
        <source>Saved “%1”.</source>
        <translation>Saved “%1”.</translation>
    </message>
    <message>
        <source>New persona</source>
        <translation>New persona</translation>
    </message>
    <message>
        <source>You are a helpful assistant.</source>
        <translation>You are a helpful assistant.</translation>
    </message>
    <message>
        <source>Delete the persona “%1”?</source>
        <translation>Delete the persona “%1”?</translation>
    </message>
    <message>
        <source>Its own memory is deleted with it.</source>
        <translation>Its own memory is deleted with it.</translation>
    </message>
    <message>
        <source>Deleted “%1”.</source>
        <translation>Deleted “%1”.</translation>
    </message>
    <message>
        <source>Imported %1 personas from %2.</source>
        <translation>Imported %1 personas from %2.</translation>
    </message>
    <message>
        <source>Exported to %1.</source>
        <translation>Exported to %1.</translation>
    </message>
    <message>
        <source>%1 is not a usable persona file: %2</source>
        <translation>%1 is not a usable persona file: %2</translation>
    </message>
    <message>
        <source>%1 was made by another version of Sova (version %2); nothing was imported.</source>
        <translation>%1 was made by another version of Sova (version %2); nothing was imported.</translation>
    </message>
    <message>
        <source>%1 is too large for a persona file; nothing was imported.</source>
        <translation>%1 is too large for a persona file; nothing was imported.</translation>
    </message>
    <message>
        <source>The last persona cannot be deleted.</source>
        <translation>The last persona cannot be deleted.</translation>
    </message>
    <message>
        <source>Could not change the personas: %2</source>
        <translation>Could not change the personas: %2</translation>
    </message>
    <message>
        <source>The file</source>
        <translation>The file</translation>
    </message>
    <message>
        <source>Import personas</source>
        <translation>Import personas</translation>
    </message>
    <message>
        <source>Persona files (*.json);;All files (*)</source>
        <translation>Persona files (*.json);;All files (*)</translation>
    </message>
    <message>
        <source>Export persona</source>
        <translation>Export persona</translation>
    </message>
    <message>
        <source>Persona files (*.json)</source>
        <translation>Persona files (*.json)</translation>
    </message>
    <message>
        <source>Personas</source>
        <translation>Personas</translation>
    </message>
</context>
<context>
    <name>PictureViewer</name>
    <message>
        <source>Loading…</source>
        <translation>Loading…</translation>
    </message>
    <message>
        <source>Add to documents</source>
        <translation>Add to documents</translation>
    </message>
    <message>
        <source>Index the text in this picture, so answers from documents can find and cite it</source>
        <translation>Index the text in this picture, so answers from documents can find and cite it</translation>
    </message>
</context>
<context>
    <name>PrivacyPage</name>
    <message>
        <source>Data</source>
        <translation>Data</translation>
    </message>
    <message>
        <source>Location</source>
        <translation>Location</translation>
    </message>
    <message>
        <source>Size</source>
        <translation>Size</translation>
    </message>
    <message>
        <source>What Sova keeps on this computer:</source>
        <translation>What Sova keeps on this computer:</translation>
    </message>
    <message>
        <source>Refresh</source>
        <translation>Refresh</translation>
    </message>
    <message>
        <source>Delete all data…</source>
        <translation>Delete all data…</translation>
    </message>
    <message>
        <source>Deletes all conversations, everything Sova remembers, the document index and the logs. Personas, settings and the downloaded models stay.</source>
        <translation>Deletes all conversations, everything Sova remembers, the document index and the logs. Personas, settings and the downloaded models stay.</translation>
    </message>
    <message>
        <source>Questions, with the parts of your documents and memories used to answer them, are sent to the model server you configured: %1. This is the only exception: everything else stays on this computer.</source>
        <translation>Questions, with the parts of your documents and memories used to answer them, are sent to the model server you configured: %1. This is the only exception: everything else stays on this computer.</translation>
    </message>
    <message>
        <source>Sova works offline. Your conversations, documents and everything it remembers stay on this computer and are never sent anywhere.</source>
        <translation>Sova works offline. Your conversations, documents and everything it remembers stay on this computer and are never sent anywhere.</translation>
    </message>
    <message>
        <source>Conversations, memory and personas</source>
        <translation>Conversations, memory and personas</translation>
    </message>
    <message>
        <source>Document index</source>
        <translation>Document index</translation>
    </message>
    <message>
        <source>Models</source>
        <translation>Models</translation>
    </message>
    <message>
        <source>Settings</source>
        <translation>Settings</translation>
    </message>
    <message>
        <source>Logs</source>
        <translation>Logs</translation>
    </message>
    <message>
        <source>%1 B</source>
        <translation>%1 B</translation>
    </message>
    <message>
        <source>%1 KB</source>
        <translation>%1 KB</translation>
    </message>
    <message>
        <source>%1 MB</source>
        <translation>%1 MB</translation>
    </message>
    <message>
        <source>%1 GB</source>
        <translation>%1 GB</translation>
    </message>
    <message>
        <source>Could not measure the data: %1</source>
        <translation>Could not measure the data: %1</translation>
    </message>
    <message>
        <source>Open folder</source>
        <translation>Open folder</translation>
    </message>
    <message>
        <source>Delete all your data?

This deletes all conversations, everything Sova remembers about you, the document index (your files themselves stay where they are) and the logs.

Personas, settings and the downloaded models stay.

This cannot be undone.</source>
        <translation>Delete all your data?

This deletes all conversations, everything Sova remembers about you, the document index (your files themselves stay where they are) and the logs.

Personas, settings and the downloaded models stay.

This cannot be undone.</translation>
    </message>
    <message>
        <source>Delete all data</source>
        <translation>Delete all data</translation>
    </message>
    <message>
        <source>Delete everything</source>
        <translation>Delete everything</translation>
    </message>
    <message>
        <source>Deleting…</source>
        <translation>Deleting…</translation>
    </message>
    <message>
        <source>Deleting conversations…</source>
        <translation>Deleting conversations…</translation>
    </message>
    <message>
        <source>Forgetting what Sova remembers…</source>
        <translation>Forgetting what Sova remembers…</translation>
    </message>
    <message>
        <source>Removing the document index…</source>
        <translation>Removing the document index…</translation>
    </message>
    <message>
        <source>Clearing the logs…</source>
        <translation>Clearing the logs…</translation>
    </message>
    <message>
        <source>Deleted all conversations, memories, the document index and the logs.</source>
        <translation>Deleted all conversations, memories, the document index and the logs.</translation>
    </message>
    <message>
        <source>Could not delete everything: %1</source>
        <translation>Could not delete everything: %1</translation>
    </message>
</context>
<context>
    <name>QualityTab</name>
    <message>
        <source>Persona:</source>
        <translation>Persona:</translation>
    </message>
    <message>
        <source>Period:</source>
        <translation>Period:</translation>
    </message>
    <message>
        <source>Last 7 days</source>
        <translation>Last 7 days</translation>
    </message>
    <message>
        <source>Last 30 days</source>
        <translation>Last 30 days</translation>
    </message>
    <message>
        <source>Last 90 days</source>
        <translation>Last 90 days</translation>
    </message>
    <message>
        <source>Last year</source>
        <translation>Last year</translation>
    </message>
    <message>
        <source>All time</source>
        <translation>All time</translation>
    </message>
    <message>
        <source>Export CSV…</source>
        <translation>Export CSV…</translation>
    </message>
    <message>
        <source>The ratings of this persona and period as a table (opens in a spreadsheet)</source>
        <translation>The ratings of this persona and period as a table (opens in a spreadsheet)</translation>
    </message>
    <message>
        <source>Export JSONL…</source>
        <translation>Export JSONL…</translation>
    </message>
    <message>
        <source>The ratings with the context each answer had, one JSON object a line</source>
        <translation>The ratings with the context each answer had, one JSON object a line</translation>
    </message>
    <message>
        <source>Rated answers</source>
        <translation>Rated answers</translation>
    </message>
    <message>
        <source>Average rating</source>
        <translation>Average rating</translation>
    </message>
    <message>
        <source>Satisfied</source>
        <translation>Satisfied</translation>
    </message>
    <message>
        <source>Negative</source>
        <translation>Negative</translation>
    </message>
    <message>
        <source>Better answers</source>
        <translation>Better answers</translation>
    </message>
    <message>
        <source>Comments</source>
        <translation>Comments</translation>
    </message>
    <message>
        <source>Answers with stars, a thumb or a better answer you wrote</source>
        <translation>Answers with stars, a thumb or a better answer you wrote</translation>
    </message>
    <message>
        <source>Mean of the stars; a thumb up counts as 5, a thumb down as 1</source>
        <translation>Mean of the stars; a thumb up counts as 5, a thumb down as 1</translation>
    </message>
    <message>
        <source>Share of rated answers with 4–5 stars or a thumb up</source>
        <translation>Share of rated answers with 4–5 stars or a thumb up</translation>
    </message>
    <message>
        <source>Share of rated answers with 1–2 stars or a thumb down</source>
        <translation>Share of rated answers with 1–2 stars or a thumb down</translation>
    </message>
    <message>
        <source>Answers you corrected by writing a better one</source>
        <translation>Answers you corrected by writing a better one</translation>
    </message>
    <message>
        <source>Answers you commented on</source>
        <translation>Answers you commented on</translation>
    </message>
    <message>
        <source>Quality over time</source>
        <translation>Quality over time</translation>
    </message>
    <message>
        <source>Average ★ (left)</source>
        <translation>Average ★ (left)</translation>
    </message>
    <message>
        <source>Satisfied % (right)</source>
        <translation>Satisfied % (right)</translation>
    </message>
    <message>
        <source>Negative % (right)</source>
        <translation>Negative % (right)</translation>
    </message>
    <message>
        <source>Stars</source>
        <translation>Stars</translation>
    </message>
    <message>
        <source>Average rating per model and adapter</source>
        <translation>Average rating per model and adapter</translation>
    </message>
    <message>
        <source>Average ★</source>
        <translation>Average ★</translation>
    </message>
    <message>
        <source>%1: average %2 ★ from %3 rated answers</source>
        <translation>%1: average %2 ★ from %3 rated answers</translation>
    </message>
    <message>
        <source>Share of negative ratings</source>
        <translation>Share of negative ratings</translation>
    </message>
    <message>
        <source>Neutral</source>
        <translation>Neutral</translation>
    </message>
    <message>
        <source>All personas</source>
        <translation>All personas</translation>
    </message>
    <message>
        <source>Could not read the ratings: %1</source>
        <translation>Could not read the ratings: %1</translation>
    </message>
    <message>
        <source>No rated answers for this persona in this period. Choose another period or persona above.</source>
        <translation>No rated answers for this persona in this period. Choose another period or persona above.</translation>
    </message>
    <message>
        <source>These answers have better answers you wrote but no stars or thumbs yet, so there is nothing to chart.</source>
        <translation>These answers have better answers you wrote but no stars or thumbs yet, so there is nothing to chart.</translation>
    </message>
    <message>
        <source>%1 up · %2 down</source>
        <translation>%1 up · %2 down</translation>
    </message>
    <message>
        <source>no stars or thumbs yet</source>
        <translation>no stars or thumbs yet</translation>
    </message>
    <message>
        <source>of 5, from %1 scored</source>
        <translation>of 5, from %1 scored</translation>
    </message>
    <message>
        <source>4–5 ★ or a thumb up</source>
        <translation>4–5 ★ or a thumb up</translation>
    </message>
    <message>
        <source>1–2 ★ or a thumb down</source>
        <translation>1–2 ★ or a thumb down</translation>
    </message>
    <message>
        <source>written by you</source>
        <translation>written by you</translation>
    </message>
    <message>
        <source>%1%</source>
        <translation>%1%</translation>
    </message>
    <message>
        <source>Replies without a model</source>
        <translation>Replies without a model</translation>
    </message>
    <message>
        <source>%1 rated</source>
        <translation>%1 rated</translation>
    </message>
    <message>
        <source>No rated answers yet</source>
        <translation>No rated answers yet</translation>
    </message>
    <message>
        <source>Under each of Sova’s answers in the chat there are a thumb up, a thumb down and five stars: click one to rate the answer. “Comment…” next to them lets you say what was wrong and write a better answer.</source>
        <translation>Under each of Sova’s answers in the chat there are a thumb up, a thumb down and five stars: click one to rate the answer. “Comment…” next to them lets you say what was wrong and write a better answer.</translation>
    </message>
    <message>
        <source>Your ratings show here as figures and charts. Sova also learns from them: when you ask something similar to a highly rated question, the model is shown your rated answer as an example.</source>
        <translation>Your ratings show here as figures and charts. Sova also learns from them: when you ask something similar to a highly rated question, the model is shown your rated answer as an example.</translation>
    </message>
    <message>
        <source>Could not export the ratings: %1</source>
        <translation>Could not export the ratings: %1</translation>
    </message>
    <message>
        <source>Exported %1 rated answers to %2.</source>
        <translation>Exported %1 rated answers to %2.</translation>
    </message>
    <message>
        <source>CSV files (*.csv)</source>
        <translation>CSV files (*.csv)</translation>
    </message>
    <message>
        <source>JSON lines (*.jsonl)</source>
        <translation>JSON lines (*.jsonl)</translation>
    </message>
    <message>
        <source>Export ratings</source>
        <translation>Export ratings</translation>
    </message>
</context>
<context>
    <name>Rating</name>
    <message>
        <source>Edit comment…</source>
        <translation>Edit comment…</translation>
    </message>
    <message>
        <source>Comment…</source>
        <translation>Comment…</translation>
    </message>
    <message>
        <source>Good answer (click again to take it back)</source>
        <translation>Good answer (click again to take it back)</translation>
    </message>
    <message>
        <source>Good answer</source>
        <translation>Good answer</translation>
    </message>
    <message>
        <source>Bad answer (click again to take it back)</source>
        <translation>Bad answer (click again to take it back)</translation>
    </message>
    <message>
        <source>Bad answer</source>
        <translation>Bad answer</translation>
    </message>
    <message>
        <source>%1 of 5 stars (click again to take it back)</source>
        <translation>%1 of 5 stars (click again to take it back)</translation>
    </message>
    <message>
        <source>%1 of 5 stars</source>
        <translation>%1 of 5 stars</translation>
    </message>
    <message>
        <source>Comment or suggest a better answer</source>
        <translation>Comment or suggest a better answer</translation>
    </message>
    <message>
        <source>Your comment: %1</source>
        <translation>Your comment: %1</translation>
    </message>
    <message>
        <source>You wrote a better answer.</source>
        <translation>You wrote a better answer.</translation>
    </message>
    <message>
        <source>This answer is no longer stored, so it cannot be rated.</source>
        <translation>This answer is no longer stored, so it cannot be rated.</translation>
    </message>
    <message>
        <source>The comment is too long (at most 2000 characters).</source>
        <translation>The comment is too long (at most 2000 characters).</translation>
    </message>
    <message>
        <source>The better answer is too long (at most 8000 characters).</source>
        <translation>The better answer is too long (at most 8000 characters).</translation>
    </message>
    <message>
        <source>Choose from 1 to 5 stars.</source>
        <translation>Choose from 1 to 5 stars.</translation>
    </message>
    <message>
        <source>This rating cannot be stored.</source>
        <translation>This rating cannot be stored.</translation>
    </message>
    <message>
        <source>The rating could not be saved: %1</source>
        <translation>The rating could not be saved: %1</translation>
    </message>
</context>
<context>
    <name>RatingDialog</name>
    <message>
        <source>Rate the answer</source>
        <translation>Rate the answer</translation>
    </message>
    <message>
        <source>How good was this answer?</source>
        <translation>How good was this answer?</translation>
    </message>
    <message>
        <source>Your question: %1</source>
        <translation>Your question: %1</translation>
    </message>
    <message>
        <source>Comment:</source>
        <translation>Comment:</translation>
    </message>
    <message>
        <source>What was good, what was wrong or missing? (optional)</source>
        <translation>What was good, what was wrong or missing? (optional)</translation>
    </message>
    <message>
        <source>A better answer (optional). Sova shows it to the model as an example when you ask something similar, and training learns from it:</source>
        <translation>A better answer (optional). Sova shows it to the model as an example when you ask something similar, and training learns from it:</translation>
    </message>
    <message>
        <source>Write the answer you expected…</source>
        <translation>Write the answer you expected…</translation>
    </message>
    <message>
        <source>Start from Sova’s answer</source>
        <translation>Start from Sova’s answer</translation>
    </message>
    <message>
        <source>Put Sova’s answer into the editor to correct it</source>
        <translation>Put Sova’s answer into the editor to correct it</translation>
    </message>
    <message>
        <source>Remove rating</source>
        <translation>Remove rating</translation>
    </message>
    <message>
        <source>Forget the stars, thumb, comment and better answer of this answer</source>
        <translation>Forget the stars, thumb, comment and better answer of this answer</translation>
    </message>
    <message>
        <source>No stars</source>
        <translation>No stars</translation>
    </message>
    <message>
        <source>%1 of 5</source>
        <translation>%1 of 5</translation>
    </message>
</context>
<context>
    <name>Recorder</name>
    <message>
        <source>The microphone %1 offers no usable sample format.</source>
        <translation>The microphone %1 offers no usable sample format.</translation>
    </message>
    <message>
        <source>Stopped at the maximum length of %1 s; transcribing what was recorded.</source>
        <translation>Stopped at the maximum length of %1 s; transcribing what was recorded.</translation>
    </message>
    <message>
        <source>Transcribing what was recorded.</source>
        <translation>Transcribing what was recorded.</translation>
    </message>
    <message>
        <source>the microphone</source>
        <translation>the microphone</translation>
    </message>
    <message>
        <source>Sova cannot open %1: access was denied or the device is busy.</source>
        <translation>Sova cannot open %1: access was denied or the device is busy.</translation>
    </message>
    <message>
        <source>%1 stopped delivering audio (was it unplugged?).</source>
        <translation>%1 stopped delivering audio (was it unplugged?).</translation>
    </message>
    <message>
        <source>%1 failed and cannot be used right now.</source>
        <translation>%1 failed and cannot be used right now.</translation>
    </message>
    <message>
        <source>%1 reported an error (%2).</source>
        <translation>%1 reported an error (%2).</translation>
    </message>
    <message>
        <source>%1 was disconnected; transcribing what was recorded.</source>
        <translation>%1 was disconnected; transcribing what was recorded.</translation>
    </message>
</context>
<context>
    <name>ScopeButton</name>
    <message>
        <source>All collections</source>
        <translation>All collections</translation>
    </message>
    <message>
        <source>%1 collections</source>
        <translation>%1 collections</translation>
    </message>
</context>
<context>
    <name>SettingsDialog</name>
    <message>
        <source>Settings</source>
        <translation>Settings</translation>
    </message>
    <message>
        <source>General</source>
        <translation>General</translation>
    </message>
    <message>
        <source>Appearance</source>
        <translation>Appearance</translation>
    </message>
    <message>
        <source>Personas</source>
        <translation>Personas</translation>
    </message>
    <message>
        <source>Generation</source>
        <translation>Generation</translation>
    </message>
    <message>
        <source>Models</source>
        <translation>Models</translation>
    </message>
    <message>
        <source>Memory</source>
        <translation>Memory</translation>
    </message>
    <message>
        <source>Voice</source>
        <translation>Voice</translation>
    </message>
    <message>
        <source>Let the model title new conversations (in the background)</source>
        <translation>Let the model title new conversations (in the background)</translation>
    </message>
    <message>
        <source>Verbose logs: include chat and document text (for bug reports only)</source>
        <translation>Verbose logs: include chat and document text (for bug reports only)</translation>
    </message>
    <message>
        <source>Off: the log files never contain what you wrote or read.</source>
        <translation>Off: the log files never contain what you wrote or read.</translation>
    </message>
    <message>
        <source>Privacy</source>
        <translation>Privacy</translation>
    </message>
    <message>
        <source>Feedback and training</source>
        <translation>Feedback and training</translation>
    </message>
    <message>
        <source>Diagnostics</source>
        <translation>Diagnostics</translation>
    </message>
    <message>
        <source>Temperature:</source>
        <translation>Temperature:</translation>
    </message>
    <message>
        <source>Top-p:</source>
        <translation>Top-p:</translation>
    </message>
    <message>
        <source>Maximum answer length (tokens):</source>
        <translation>Maximum answer length (tokens):</translation>
    </message>
    <message>
        <source>Context size (tokens):</source>
        <translation>Context size (tokens):</translation>
    </message>
    <message>
        <source>CPU threads (0 = automatic):</source>
        <translation>CPU threads (0 = automatic):</translation>
    </message>
    <message>
        <source>Add GGUF…</source>
        <translation>Add GGUF…</translation>
    </message>
    <message>
        <source>Add a chat model file (.gguf) from disk</source>
        <translation>Add a chat model file (.gguf) from disk</translation>
    </message>
    <message>
        <source>Add vision model…</source>
        <translation>Add vision model…</translation>
    </message>
    <message>
        <source>Add a model that sees pictures: its .gguf file, then its projector (mmproj) file</source>
        <translation>Add a model that sees pictures: its .gguf file, then its projector (mmproj) file</translation>
    </message>
    <message>
        <source>Make active</source>
        <translation>Make active</translation>
    </message>
    <message>
        <source>Backend:</source>
        <translation>Backend:</translation>
    </message>
    <message>
        <source>Bundled local model</source>
        <translation>Bundled local model</translation>
    </message>
    <message>
        <source>OpenAI-compatible server</source>
        <translation>OpenAI-compatible server</translation>
    </message>
    <message>
        <source>Answer with a model running on this computer, or with a server such as llama.cpp&apos;s server, vLLM, Ollama or LM Studio</source>
        <translation>Answer with a model running on this computer, or with a server such as llama.cpp&apos;s server, vLLM, Ollama or LM Studio</translation>
    </message>
    <message>
        <source>Server address:</source>
        <translation>Server address:</translation>
    </message>
    <message>
        <source>Model:</source>
        <translation>Model:</translation>
    </message>
    <message>
        <source>API key:</source>
        <translation>API key:</translation>
    </message>
    <message>
        <source>The first model the server offers</source>
        <translation>The first model the server offers</translation>
    </message>
    <message>
        <source>Connect</source>
        <translation>Connect</translation>
    </message>
    <message>
        <source>Check the server and list its models</source>
        <translation>Check the server and list its models</translation>
    </message>
    <message>
        <source>Stored in the system keyring</source>
        <translation>Stored in the system keyring</translation>
    </message>
    <message>
        <source>Leave empty to keep the stored key; the key is never written to a file</source>
        <translation>Leave empty to keep the stored key; the key is never written to a file</translation>
    </message>
    <message>
        <source>Forget key</source>
        <translation>Forget key</translation>
    </message>
    <message>
        <source>The model understands images</source>
        <translation>The model understands images</translation>
    </message>
    <message>
        <source>added from disk</source>
        <translation>added from disk</translation>
    </message>
    <message>
        <source>sees pictures</source>
        <translation>sees pictures</translation>
    </message>
    <message>
        <source>prepared on first use</source>
        <translation>prepared on first use</translation>
    </message>
    <message>
        <source>file missing</source>
        <translation>file missing</translation>
    </message>
    <message>
        <source>active</source>
        <translation>active</translation>
    </message>
    <message>
        <source>Projector: %1</source>
        <translation>Projector: %1</translation>
    </message>
    <message>
        <source>Checking %1…</source>
        <translation>Checking %1…</translation>
    </message>
    <message>
        <source>Added “%1”. Select it and press “Make active” to use it.</source>
        <translation>Added “%1”. Select it and press “Make active” to use it.</translation>
    </message>
    <message>
        <source>Could not add the model: %1</source>
        <translation>Could not add the model: %1</translation>
    </message>
    <message>
        <source>Switching model…</source>
        <translation>Switching model…</translation>
    </message>
    <message>
        <source>Active model changed; it loads in the background.</source>
        <translation>Active model changed; it loads in the background.</translation>
    </message>
    <message>
        <source>The projector (mmproj) of %1</source>
        <translation>The projector (mmproj) of %1</translation>
    </message>
    <message>
        <source>Add a GGUF model</source>
        <translation>Add a GGUF model</translation>
    </message>
    <message>
        <source>GGUF models (*.gguf);;All files (*)</source>
        <translation>GGUF models (*.gguf);;All files (*)</translation>
    </message>
    <message>
        <source>Connecting to %1…</source>
        <translation>Connecting to %1…</translation>
    </message>
    <message>
        <source>Connected. The server offers %1 models.</source>
        <translation>Connected. The server offers %1 models.</translation>
    </message>
    <message>
        <source>Server version %1.</source>
        <translation>Server version %1.</translation>
    </message>
    <message>
        <source>The server does not list the model “%1”.</source>
        <translation>The server does not list the model “%1”.</translation>
    </message>
    <message>
        <source>Nothing is listening at %1. Start the server, or check the address and port.</source>
        <translation>Nothing is listening at %1. Start the server, or check the address and port.</translation>
    </message>
    <message>
        <source>The server name “%2” does not resolve. Check the address.</source>
        <translation>The server name “%2” does not resolve. Check the address.</translation>
    </message>
    <message>
        <source>Could not connect to %1.</source>
        <translation>Could not connect to %1.</translation>
    </message>
    <message>
        <source>The server refused access (%2). Check the API key.</source>
        <translation>The server refused access (%2). Check the API key.</translation>
    </message>
    <message>
        <source>The server at %1 did not answer in time.</source>
        <translation>The server at %1 did not answer in time.</translation>
    </message>
    <message>
        <source>The server at %1 does not answer like an OpenAI-compatible API.</source>
        <translation>The server at %1 does not answer like an OpenAI-compatible API.</translation>
    </message>
    <message>
        <source>%1 is not the address of an OpenAI-compatible API (it usually ends in /v1).</source>
        <translation>%1 is not the address of an OpenAI-compatible API (it usually ends in /v1).</translation>
    </message>
    <message>
        <source>The server has no model “%2”.</source>
        <translation>The server has no model “%2”.</translation>
    </message>
    <message>
        <source>The server at %1 offers no models.</source>
        <translation>The server at %1 offers no models.</translation>
    </message>
    <message>
        <source>The server at %1 failed with an internal error (%2).</source>
        <translation>The server at %1 failed with an internal error (%2).</translation>
    </message>
    <message>
        <source>“%1” is not a usable server address.</source>
        <translation>“%1” is not a usable server address.</translation>
    </message>
    <message>
        <source>The server at %1 is busy. Try again shortly.</source>
        <translation>The server at %1 is busy. Try again shortly.</translation>
    </message>
    <message>
        <source>The server at %1 closed the connection.</source>
        <translation>The server at %1 closed the connection.</translation>
    </message>
    <message>
        <source>The API key was removed from the keyring.</source>
        <translation>The API key was removed from the keyring.</translation>
    </message>
    <message>
        <source>Could not store the API key: %1</source>
        <translation>Could not store the API key: %1</translation>
    </message>
</context>
<context>
    <name>SourcePanel</name>
    <message>
        <source>Open file</source>
        <translation>Open file</translation>
    </message>
    <message>
        <source>Click a source number like [1] in an answer to see the passage here.</source>
        <translation>Click a source number like [1] in an answer to see the passage here.</translation>
    </message>
    <message>
        <source>page %1</source>
        <translation>page %1</translation>
    </message>
    <message>
        <source>at %1</source>
        <translation>at %1</translation>
    </message>
</context>
<context>
    <name>StarPicker</name>
    <message>
        <source>%1 of 5 stars</source>
        <translation>%1 of 5 stars</translation>
    </message>
</context>
<context>
    <name>TrainingNotice</name>
    <message>
        <source>Later</source>
        <translation>Later</translation>
    </message>
    <message>
        <source>Hide this; Sova checks the ratings again in a few days</source>
        <translation>Hide this; Sova checks the ratings again in a few days</translation>
    </message>
    <message>
        <source>Train now</source>
        <translation>Train now</translation>
    </message>
    <message>
        <source>Show</source>
        <translation>Show</translation>
    </message>
    <message>
        <source>Open Settings → Feedback and training → Training and start</source>
        <translation>Open Settings → Feedback and training → Training and start</translation>
    </message>
    <message>
        <source>Open Settings → Feedback and training → Training</source>
        <translation>Open Settings → Feedback and training → Training</translation>
    </message>
    <message>
        <source>Train Sova on your ratings?</source>
        <translation>Train Sova on your ratings?</translation>
    </message>
</context>
<context>
    <name>TrainingTab</name>
    <message>
        <source>What Sova would learn from</source>
        <translation>What Sova would learn from</translation>
    </message>
    <message>
        <source>Examples to learn from:</source>
        <translation>Examples to learn from:</translation>
    </message>
    <message>
        <source>Liked / disliked answers:</source>
        <translation>Liked / disliked answers:</translation>
    </message>
    <message>
        <source>Held out to check the result:</source>
        <translation>Held out to check the result:</translation>
    </message>
    <message>
        <source>Training steps:</source>
        <translation>Training steps:</translation>
    </message>
    <message>
        <source>Preference step:</source>
        <translation>Preference step:</translation>
    </message>
    <message>
        <source>Removed by the check:</source>
        <translation>Removed by the check:</translation>
    </message>
    <message>
        <source>Languages:</source>
        <translation>Languages:</translation>
    </message>
    <message>
        <source>Answers rated at or above the minimum, and the better answers you wrote</source>
        <translation>Answers rated at or above the minimum, and the better answers you wrote</translation>
    </message>
    <message>
        <source>For the preference step: answers to make more likely and answers to avoid</source>
        <translation>For the preference step: answers to make more likely and answers to avoid</translation>
    </message>
    <message>
        <source>One rated answer in seven is kept out of training to judge the new adapter</source>
        <translation>One rated answer in seven is kept out of training to judge the new adapter</translation>
    </message>
    <message>
        <source>Supervised training steps (about one and a half passes over the examples)</source>
        <translation>Supervised training steps (about one and a half passes over the examples)</translation>
    </message>
    <message>
        <source>A second step that also pushes away from disliked answers; it needs at least five of them</source>
        <translation>A second step that also pushes away from disliked answers; it needs at least five of them</translation>
    </message>
    <message>
        <source>Answers left out: the same answer twice, empty texts, answers too long to train on, conversations with mixed-up roles</source>
        <translation>Answers left out: the same answer twice, empty texts, answers too long to train on, conversations with mixed-up roles</translation>
    </message>
    <message>
        <source>The languages of the examples</source>
        <translation>The languages of the examples</translation>
    </message>
    <message>
        <source>Training</source>
        <translation>Training</translation>
    </message>
    <message>
        <source>Training teaches the model your liked answers and the better answers you wrote (and, with enough disliked answers, what to avoid) as a small adapter. It runs in the background at the lowest priority and pauses while Sova answers. The new adapter is checked on answers held out from training and is put to use only if it does better.</source>
        <translation>Training teaches the model your liked answers and the better answers you wrote (and, with enough disliked answers, what to avoid) as a small adapter. It runs in the background at the lowest priority and pauses while Sova answers. The new adapter is checked on answers held out from training and is put to use only if it does better.</translation>
    </message>
    <message>
        <source>Start training</source>
        <translation>Start training</translation>
    </message>
    <message>
        <source>Train an adapter on your rated answers in the background; Sova keeps answering meanwhile</source>
        <translation>Train an adapter on your rated answers in the background; Sova keeps answering meanwhile</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>Cancel</translation>
    </message>
    <message>
        <source>Stop the run; it can be resumed from its last checkpoint</source>
        <translation>Stop the run; it can be resumed from its last checkpoint</translation>
    </message>
    <message>
        <source>Resume the stopped training</source>
        <translation>Resume the stopped training</translation>
    </message>
    <message>
        <source>Discard</source>
        <translation>Discard</translation>
    </message>
    <message>
        <source>Forget the stopped run and its checkpoint</source>
        <translation>Forget the stopped run and its checkpoint</translation>
    </message>
    <message>
        <source>Training loss</source>
        <translation>Training loss</translation>
    </message>
    <message>
        <source>Learning from your answers</source>
        <translation>Learning from your answers</translation>
    </message>
    <message>
        <source>Preference step</source>
        <translation>Preference step</translation>
    </message>
    <message>
        <source>Step</source>
        <translation>Step</translation>
    </message>
    <message>
        <source>Loss</source>
        <translation>Loss</translation>
    </message>
    <message>
        <source>Adapter versions</source>
        <translation>Adapter versions</translation>
    </message>
    <message>
        <source>Settings</source>
        <translation>Settings</translation>
    </message>
    <message>
        <source>Could not read the ratings: %1</source>
        <translation>Could not read the ratings: %1</translation>
    </message>
    <message>
        <source>yes, %1 steps</source>
        <translation>yes, %1 steps</translation>
    </message>
    <message>
        <source>no: too few disliked answers</source>
        <translation>no: too few disliked answers</translation>
    </message>
    <message>
        <source>%1 duplicates</source>
        <translation>%1 duplicates</translation>
    </message>
    <message>
        <source>%1 empty</source>
        <translation>%1 empty</translation>
    </message>
    <message>
        <source>%1 too long</source>
        <translation>%1 too long</translation>
    </message>
    <message>
        <source>%1 with mixed-up roles</source>
        <translation>%1 with mixed-up roles</translation>
    </message>
    <message>
        <source>nothing</source>
        <translation>nothing</translation>
    </message>
    <message>
        <source>English</source>
        <translation>English</translation>
    </message>
    <message>
        <source>Russian</source>
        <translation>Russian</translation>
    </message>
    <message>
        <source>Sova answers with a server now; training and adapters are for the local model.</source>
        <translation>Sova answers with a server now; training and adapters are for the local model.</translation>
    </message>
    <message>
        <source>Ready to start: %1 rated answers so far.</source>
        <translation>Ready to start: %1 rated answers so far.</translation>
    </message>
    <message>
        <source>Stopping…</source>
        <translation>Stopping…</translation>
    </message>
    <message>
        <source>Resume</source>
        <translation>Resume</translation>
    </message>
    <message>
        <source>Pause</source>
        <translation>Pause</translation>
    </message>
    <message>
        <source>Go on training</source>
        <translation>Go on training</translation>
    </message>
    <message>
        <source>Stop the training process where it is until you resume it</source>
        <translation>Stop the training process where it is until you resume it</translation>
    </message>
</context>
<context>
    <name>TrainingTrigger</name>
    <message>
        <source>Sova started training on your ratings in the background; it keeps answering meanwhile.</source>
        <translation>Sova started training on your ratings in the background; it keeps answering meanwhile.</translation>
    </message>
    <message>
        <source>Sova could not start training: %1</source>
        <translation>Sova could not start training: %1</translation>
    </message>
</context>
<context>
    <name>TrainingWords</name>
    <message>
        <source>Starting…</source>
        <translation>Starting…</translation>
    </message>
    <message>
        <source>Loading the model…</source>
        <translation>Loading the model…</translation>
    </message>
    <message>
        <source>Measuring the model before training…</source>
        <translation>Measuring the model before training…</translation>
    </message>
    <message>
        <source>Preparing the preference step…</source>
        <translation>Preparing the preference step…</translation>
    </message>
    <message>
        <source>Checking the new adapter on held-out answers…</source>
        <translation>Checking the new adapter on held-out answers…</translation>
    </message>
    <message>
        <source>Saving the adapter…</source>
        <translation>Saving the adapter…</translation>
    </message>
    <message>
        <source>Finishing…</source>
        <translation>Finishing…</translation>
    </message>
    <message>
        <source>Learning from your answers: step %1 of %2</source>
        <translation>Learning from your answers: step %1 of %2</translation>
    </message>
    <message>
        <source>Learning what to avoid: step %1 of %2</source>
        <translation>Learning what to avoid: step %1 of %2</translation>
    </message>
    <message>
        <source>Less than a minute left</source>
        <translation>Less than a minute left</translation>
    </message>
    <message>
        <source>About %1 min left</source>
        <translation>About %1 min left</translation>
    </message>
    <message>
        <source>About %1 h left</source>
        <translation>About %1 h left</translation>
    </message>
    <message>
        <source>Paused while Sova answers</source>
        <translation>Paused while Sova answers</translation>
    </message>
    <message>
        <source>Paused</source>
        <translation>Paused</translation>
    </message>
    <message>
        <source>resumed at step %1</source>
        <translation>resumed at step %1</translation>
    </message>
    <message>
        <source>Too few rated answers to learn from: %1 of the %2 examples needed. Rate at least %3 more answers with %4 ★ or more (or write a better answer under a bad one).</source>
        <translation>Too few rated answers to learn from: %1 of the %2 examples needed. Rate at least %3 more answers with %4 ★ or more (or write a better answer under a bad one).</translation>
    </message>
    <message>
        <source>The training pack is not installed (the Python module “%1” is missing). Install Sova’s training extras to train on this computer.</source>
        <translation>The training pack is not installed (the Python module “%1” is missing). Install Sova’s training extras to train on this computer.</translation>
    </message>
    <message>
        <source>The model to train is not ready yet: it is prepared the first time it loads. Ask one question, then come back.</source>
        <translation>The model to train is not ready yet: it is prepared the first time it loads. Ask one question, then come back.</translation>
    </message>
    <message>
        <source>This model cannot be trained on this computer. Choose one of the bundled models under Models.</source>
        <translation>This model cannot be trained on this computer. Choose one of the bundled models under Models.</translation>
    </message>
    <message>
        <source>Training is already running.</source>
        <translation>Training is already running.</translation>
    </message>
    <message>
        <source>The training pack is not installed (the Python module “%1” is missing).</source>
        <translation>The training pack is not installed (the Python module “%1” is missing).</translation>
    </message>
    <message>
        <source>Too few rated answers to learn from: %1 of the %2 examples needed.</source>
        <translation>Too few rated answers to learn from: %1 of the %2 examples needed.</translation>
    </message>
    <message>
        <source>Training could not start: %1</source>
        <translation>Training could not start: %1</translation>
    </message>
    <message>
        <source>adapter %1</source>
        <translation>adapter %1</translation>
    </message>
    <message>
        <source>the base model</source>
        <translation>the base model</translation>
    </message>
    <message>
        <source>Liked answers became more likely: %1 → %2</source>
        <translation>Liked answers became more likely: %1 → %2</translation>
    </message>
    <message>
        <source>Liked answers did not become more likely: %1 → %2</source>
        <translation>Liked answers did not become more likely: %1 → %2</translation>
    </message>
    <message>
        <source>Disliked answers became less likely: %1 → %2</source>
        <translation>Disliked answers became less likely: %1 → %2</translation>
    </message>
    <message>
        <source>Disliked answers did not become less likely: %1 → %2</source>
        <translation>Disliked answers did not become less likely: %1 → %2</translation>
    </message>
    <message>
        <source>General answers kept within the tolerance of %3: %1 → %2</source>
        <translation>General answers kept within the tolerance of %3: %1 → %2</translation>
    </message>
    <message>
        <source>General answers got worse by more than %3: %1 → %2</source>
        <translation>General answers got worse by more than %3: %1 → %2</translation>
    </message>
    <message>
        <source>There were no held-out answers to check the adapter against.</source>
        <translation>There were no held-out answers to check the adapter against.</translation>
    </message>
    <message>
        <source>Compared with the adapter in use before.</source>
        <translation>Compared with the adapter in use before.</translation>
    </message>
    <message>
        <source>Compared with the base model.</source>
        <translation>Compared with the base model.</translation>
    </message>
    <message>
        <source>Figures: mean log-likelihood per token of answers held out from training; higher means the model is more likely to answer that way.</source>
        <translation>Figures: mean log-likelihood per token of answers held out from training; higher means the model is more likely to answer that way.</translation>
    </message>
    <message>
        <source>Training finished. Adapter %1 passed the check, and Sova now answers with it.</source>
        <translation>Training finished. Adapter %1 passed the check, and Sova now answers with it.</translation>
    </message>
    <message>
        <source>Training finished. Adapter %1 passed the check; select it under “Adapter versions” and press “Use” to answer with it.</source>
        <translation>Training finished. Adapter %1 passed the check; select it under “Adapter versions” and press “Use” to answer with it.</translation>
    </message>
    <message>
        <source>Training finished, but adapter %1 did not pass the check, so Sova keeps answering with %2. You can still try it: select it under “Adapter versions” and press “Use”.</source>
        <translation>Training finished, but adapter %1 did not pass the check, so Sova keeps answering with %2. You can still try it: select it under “Adapter versions” and press “Use”.</translation>
    </message>
    <message>
        <source>Training failed: %1. Nothing was changed; Sova keeps answering with %2.</source>
        <translation>Training failed: %1. Nothing was changed; Sova keeps answering with %2.</translation>
    </message>
    <message>
        <source>Training was cancelled. Nothing was changed.</source>
        <translation>Training was cancelled. Nothing was changed.</translation>
    </message>
    <message>
        <source>Training stopped at step %1 of %2. Resume it to continue from its last checkpoint, or discard it.</source>
        <translation>Training stopped at step %1 of %2. Resume it to continue from its last checkpoint, or discard it.</translation>
    </message>
    <message>
        <source>A training run stopped before it finished. Resume it to continue from its last checkpoint, or discard it.</source>
        <translation>A training run stopped before it finished. Resume it to continue from its last checkpoint, or discard it.</translation>
    </message>
    <message>
        <source>Answers are rated lower lately: average %1 ★, %2% satisfied, %3% negative over the last %4 rated answers.</source>
        <translation>Answers are rated lower lately: average %1 ★, %2% satisfied, %3% negative over the last %4 rated answers.</translation>
    </message>
</context>
<context>
    <name>VersionsBox</name>
    <message>
        <source>Version</source>
        <translation>Version</translation>
    </message>
    <message>
        <source>Trained</source>
        <translation>Trained</translation>
    </message>
    <message>
        <source>Examples</source>
        <translation>Examples</translation>
    </message>
    <message>
        <source>Answers it learned from</source>
        <translation>Answers it learned from</translation>
    </message>
    <message>
        <source>Steps</source>
        <translation>Steps</translation>
    </message>
    <message>
        <source>Training steps (supervised + preference)</source>
        <translation>Training steps (supervised + preference)</translation>
    </message>
    <message>
        <source>Liked answers</source>
        <translation>Liked answers</translation>
    </message>
    <message>
        <source>How likely held-out liked answers are, before → after (mean log-likelihood per token; higher is better)</source>
        <translation>How likely held-out liked answers are, before → after (mean log-likelihood per token; higher is better)</translation>
    </message>
    <message>
        <source>Disliked answers</source>
        <translation>Disliked answers</translation>
    </message>
    <message>
        <source>How likely held-out disliked answers are, before → after (lower is better)</source>
        <translation>How likely held-out disliked answers are, before → after (lower is better)</translation>
    </message>
    <message>
        <source>General answers</source>
        <translation>General answers</translation>
    </message>
    <message>
        <source>How likely reference answers to general questions are, before → after (should not fall)</source>
        <translation>How likely reference answers to general questions are, before → after (should not fall)</translation>
    </message>
    <message>
        <source>Check</source>
        <translation>Check</translation>
    </message>
    <message>
        <source>Whether the adapter passed the check after training</source>
        <translation>Whether the adapter passed the check after training</translation>
    </message>
    <message>
        <source>In use</source>
        <translation>In use</translation>
    </message>
    <message>
        <source>Use</source>
        <translation>Use</translation>
    </message>
    <message>
        <source>Answer with the selected adapter from the next answer on</source>
        <translation>Answer with the selected adapter from the next answer on</translation>
    </message>
    <message>
        <source>Use base model</source>
        <translation>Use base model</translation>
    </message>
    <message>
        <source>Answer without an adapter, as before any training</source>
        <translation>Answer without an adapter, as before any training</translation>
    </message>
    <message>
        <source>Roll back</source>
        <translation>Roll back</translation>
    </message>
    <message>
        <source>Go back to what Sova answered with before the current adapter</source>
        <translation>Go back to what Sova answered with before the current adapter</translation>
    </message>
    <message>
        <source>No adapters yet. Each training run adds a version here, with its figures, whether it passed the check or not.</source>
        <translation>No adapters yet. Each training run adds a version here, with its figures, whether it passed the check or not.</translation>
    </message>
    <message>
        <source>liked answers did not become more likely</source>
        <translation>liked answers did not become more likely</translation>
    </message>
    <message>
        <source>disliked answers did not become less likely</source>
        <translation>disliked answers did not become less likely</translation>
    </message>
    <message>
        <source>general answers got worse</source>
        <translation>general answers got worse</translation>
    </message>
    <message>
        <source>no held-out answers to check against</source>
        <translation>no held-out answers to check against</translation>
    </message>
    <message>
        <source>passed</source>
        <translation>passed</translation>
    </message>
    <message>
        <source>failed</source>
        <translation>failed</translation>
    </message>
    <message>
        <source>Took %1 min</source>
        <translation>Took %1 min</translation>
    </message>
    <message>
        <source>in use</source>
        <translation>in use</translation>
    </message>
    <message>
        <source>Rolled back from %1: Sova now answers with %2.</source>
        <translation>Rolled back from %1: Sova now answers with %2.</translation>
    </message>
    <message>
        <source>Sova now answers with %2.</source>
        <translation>Sova now answers with %2.</translation>
    </message>
    <message>
        <source>Sova already answers with %2.</source>
        <translation>Sova already answers with %2.</translation>
    </message>
    <message>
        <source>Adapter %1 is gone from the disk</source>
        <translation>Adapter %1 is gone from the disk</translation>
    </message>
    <message>
        <source>Adapter %1 is damaged (its file is missing)</source>
        <translation>Adapter %1 is damaged (its file is missing)</translation>
    </message>
    <message>
        <source>There is nothing to roll back to</source>
        <translation>There is nothing to roll back to</translation>
    </message>
    <message>
        <source>It did not work: %1</source>
        <translation>It did not work: %1</translation>
    </message>
    <message>
        <source>%1. Sova keeps answering with %2.</source>
        <translation>%1. Sova keeps answering with %2.</translation>
    </message>
</context>
<context>
    <name>VoiceButton</name>
    <message>
        <source>Stop transcribing the file (the text so far is kept)</source>
        <translation>Stop transcribing the file (the text so far is kept)</translation>
    </message>
    <message>
        <source>Hold to talk (or hold Ctrl+Space). Drop an audio file on the window to transcribe it.</source>
        <translation>Hold to talk (or hold Ctrl+Space). Drop an audio file on the window to transcribe it.</translation>
    </message>
    <message>
        <source>Click (or Ctrl+Space) to start and stop. Drop an audio file on the window to transcribe it.</source>
        <translation>Click (or Ctrl+Space) to start and stop. Drop an audio file on the window to transcribe it.</translation>
    </message>
    <message>
        <source>No microphone found. Connect one (or allow access to it) to dictate; you can still drop an audio file on the window to transcribe it.</source>
        <translation>No microphone found. Connect one (or allow access to it) to dictate; you can still drop an audio file on the window to transcribe it.</translation>
    </message>
    <message>
        <source>No microphone found.</source>
        <translation>No microphone found.</translation>
    </message>
    <message>
        <source>Queued %1</source>
        <translation>Queued %1</translation>
    </message>
    <message>
        <source>Transcribing %1…</source>
        <translation>Transcribing %1…</translation>
    </message>
    <message>
        <source>Transcribing…</source>
        <translation>Transcribing…</translation>
    </message>
    <message>
        <source>Listening %1 / %2
release to stop</source>
        <translation>Listening %1 / %2
release to stop</translation>
    </message>
    <message>
        <source>Listening %1 / %2
click to stop</source>
        <translation>Listening %1 / %2
click to stop</translation>
    </message>
    <message>
        <source>Stopped transcribing %1.</source>
        <translation>Stopped transcribing %1.</translation>
    </message>
    <message>
        <source>%1: %2%</source>
        <translation>%1: %2%</translation>
    </message>
    <message>
        <source>Transcription failed: %1</source>
        <translation>Transcription failed: %1</translation>
    </message>
    <message>
        <source>No speech detected in %1.</source>
        <translation>No speech detected in %1.</translation>
    </message>
    <message>
        <source>No speech detected.</source>
        <translation>No speech detected.</translation>
    </message>
    <message>
        <source>Stop recording</source>
        <translation>Stop recording</translation>
    </message>
    <message>
        <source>Record a question</source>
        <translation>Record a question</translation>
    </message>
    <message>
        <source>Index the transcript of %1 so answers can cite it, with the time of each passage</source>
        <translation>Index the transcript of %1 so answers can cite it, with the time of each passage</translation>
    </message>
    <message>
        <source>Could not add the transcript: %1</source>
        <translation>Could not add the transcript: %1</translation>
    </message>
    <message>
        <source>Adding the transcript of %1 to the documents…</source>
        <translation>Adding the transcript of %1 to the documents…</translation>
    </message>
    <message>
        <source>Added the transcript of %1 to the documents.</source>
        <translation>Added the transcript of %1 to the documents.</translation>
    </message>
    <message>
        <source>Add to documents</source>
        <translation>Add to documents</translation>
    </message>
</context>
<context>
    <name>VoiceSettingsPage</name>
    <message>
        <source>Microphone</source>
        <translation>Microphone</translation>
    </message>
    <message>
        <source>Talk button</source>
        <translation>Talk button</translation>
    </message>
    <message>
        <source>Language</source>
        <translation>Language</translation>
    </message>
    <message>
        <source>Speech model</source>
        <translation>Speech model</translation>
    </message>
    <message>
        <source>Longest recording</source>
        <translation>Longest recording</translation>
    </message>
    <message>
        <source>Send the question when I release the button</source>
        <translation>Send the question when I release the button</translation>
    </message>
    <message>
        <source>Skip silence (voice activity detection)</source>
        <translation>Skip silence (voice activity detection)</translation>
    </message>
    <message>
        <source>Hold to talk</source>
        <translation>Hold to talk</translation>
    </message>
    <message>
        <source>Click to start, click to stop</source>
        <translation>Click to start, click to stop</translation>
    </message>
    <message>
        <source>Detect automatically</source>
        <translation>Detect automatically</translation>
    </message>
    <message>
        <source>Russian</source>
        <translation>Russian</translation>
    </message>
    <message>
        <source>English</source>
        <translation>English</translation>
    </message>
    <message>
        <source>System default</source>
        <translation>System default</translation>
    </message>
    <message>
        <source>No microphone found. You can still drop audio files to transcribe them.</source>
        <translation>No microphone found. You can still drop audio files to transcribe them.</translation>
    </message>
</context>
<context>
    <name>_ReasonTr</name>
    <message>
        <source>this PDF is protected by a password</source>
        <translation>this PDF is protected by a password</translation>
    </message>
    <message>
        <source>the password is wrong for this PDF</source>
        <translation>the password is wrong for this PDF</translation>
    </message>
    <message>
        <source>the file is empty (0 bytes)</source>
        <translation>the file is empty (0 bytes)</translation>
    </message>
    <message>
        <source>the file does not exist (moved or deleted?)</source>
        <translation>the file does not exist (moved or deleted?)</translation>
    </message>
    <message>
        <source>no text found in this file</source>
        <translation>no text found in this file</translation>
    </message>
    <message>
        <source>this is not a valid %1 file (%2)</source>
        <translation>this is not a valid %1 file (%2)</translation>
    </message>
    <message>
        <source>this PDF is damaged and cannot be opened (%1)</source>
        <translation>this PDF is damaged and cannot be opened (%1)</translation>
    </message>
    <message>
        <source>this PDF is damaged: %1</source>
        <translation>this PDF is damaged: %1</translation>
    </message>
    <message>
        <source>this %1 file is damaged (%2)</source>
        <translation>this %1 file is damaged (%2)</translation>
    </message>
    <message>
        <source>this is not a text file (%1)</source>
        <translation>this is not a text file (%1)</translation>
    </message>
    <message>
        <source>files of type &apos;%1&apos; are not supported</source>
        <translation>files of type &apos;%1&apos; are not supported</translation>
    </message>
    <message>
        <source>permission denied: the file cannot be read</source>
        <translation>permission denied: the file cannot be read</translation>
    </message>
    <message>
        <source>the file cannot be read (%1)</source>
        <translation>the file cannot be read (%1)</translation>
    </message>
    <message>
        <source>this PDF has no pages</source>
        <translation>this PDF has no pages</translation>
    </message>
</context>
<context>
    <name>_Tile</name>
    <message>
        <source>Remove this picture</source>
        <translation>Remove this picture</translation>
    </message>
</context>
</TS>
