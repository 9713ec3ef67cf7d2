<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="ru_RU" sourcelanguage="en">
<context>
    <name>Banner</name>
    <message>
        <source>Dismiss</source>
        <translation>Скрыть</translation>
    </message>
</context>
<context>
    <name>BubbleDelegate</name>
    <message>
        <source>You</source>
        <translation>Вы</translation>
    </message>
    <message>
        <source>Sova</source>
        <translation>Сова</translation>
    </message>
    <message>
        <source>Thinking…</source>
        <translation>Думаю…</translation>
    </message>
    <message>
        <source>Stop</source>
        <translation>Стоп</translation>
    </message>
    <message>
        <source>Regenerate</source>
        <translation>Ответить заново</translation>
    </message>
    <message>
        <source>Copy</source>
        <translation>Копировать</translation>
    </message>
    <message>
        <source>Edit</source>
        <translation>Изменить</translation>
    </message>
    <message>
        <source>The answer failed.</source>
        <translation>Ответ не получен.</translation>
    </message>
    <message>
        <source>Interrupted</source>
        <translation>Прервано</translation>
    </message>
    <message>
        <source>%1 tok/s</source>
        <translation>%1 ток/с</translation>
    </message>
</context>
<context>
    <name>ChatInput</name>
    <message>
        <source>Ask Sova… (Enter sends, Shift+Enter for a new line)</source>
        <translation>Спросите Сову… (Enter — отправить, Shift+Enter — новая строка)</translation>
    </message>
</context>
<context>
    <name>ChatPanel</name>
    <message>
        <source>Answer from documents</source>
        <translation>Отвечать по документам</translation>
    </message>
    <message>
        <source>Answer this conversation from your indexed documents, with sources</source>
        <translation>Отвечать в этом разговоре по вашим проиндексированным документам, со ссылками на источники</translation>
    </message>
    <message>
        <source>Editing your last question: Enter resends it, Esc cancels.</source>
        <translation>Редактирование последнего вопроса: Enter — отправить снова, Esc — отмена.</translation>
    </message>
    <message>
        <source>New chat</source>
        <translation>Новый чат</translation>
    </message>
    <message>
        <source>Stop</source>
        <translation>Стоп</translation>
    </message>
    <message>
        <source>Stop the answer (the part already written is kept)</source>
        <translation>Остановить ответ (уже написанная часть сохранится)</translation>
    </message>
    <message>
        <source>Send</source>
        <translation>Отправить</translation>
    </message>
    <message>
        <source>Wait for the current answer or stop it first</source>
        <translation>Дождитесь текущего ответа или остановите его</translation>
    </message>
    <message>
        <source>Send (Enter)</source>
        <translation>Отправить (Enter)</translation>
    </message>
    <message>
        <source>Stopping…</source>
        <translation>Остановка…</translation>
    </message>
    <message>
        <source>Copied</source>
        <translation>Скопировано</translation>
    </message>
    <message>
        <source>Loading the model…</source>
        <translation>Загрузка модели…</translation>
    </message>
    <message>
        <source>Searching your documents…</source>
        <translation>Поиск по вашим документам…</translation>
    </message>
    <message>
        <source>The model stopped; restarting it. Your conversation and the partial answer are saved.</source>
        <translation>Модель остановилась; перезапускаем её. Разговор и часть ответа сохранены.</translation>
    </message>
    <message>
        <source>The answer failed: %1</source>
        <translation>Не удалось ответить: %1</translation>
    </message>
    <message>
        <source>Stopped; the partial answer is saved.</source>
        <translation>Остановлено; часть ответа сохранена.</translation>
    </message>
</context>
<context>
    <name>ChatView</name>
    <message>
        <source>Ask a question below. Sova answers with a local model; nothing leaves this computer.

Turn on “Answer from documents” to get answers with sources from your files.</source>
        <translation>Задайте вопрос внизу. Сова отвечает с помощью локальной модели; ничто не покидает этот компьютер.

Включите «Отвечать по документам», чтобы получать ответы со ссылками на ваши файлы.</translation>
    </message>
    <message>
        <source>Copy</source>
        <translation>Копировать</translation>
    </message>
    <message>
        <source>Regenerate</source>
        <translation>Ответить заново</translation>
    </message>
    <message>
        <source>Edit and resend</source>
        <translation>Изменить и отправить снова</translation>
    </message>
    <message>
        <source>Stop</source>
        <translation>Стоп</translation>
    </message>
</context>
<context>
    <name>ConversationList</name>
    <message>
        <source>Search all chats</source>
        <translation>Поиск по всем чатам</translation>
    </message>
    <message>
        <source>New chat</source>
        <translation>Новый чат</translation>
    </message>
    <message>
        <source>Start a new conversation (Ctrl+N)</source>
        <translation>Начать новый разговор (Ctrl+N)</translation>
    </message>
    <message>
        <source>F2 renames, Delete deletes, right-click for more</source>
        <translation>F2 — переименовать, Delete — удалить, правая кнопка — другие действия</translation>
    </message>
    <message>
        <source>No chats match “%1”.</source>
        <translation>Нет чатов, где есть «%1».</translation>
    </message>
    <message>
        <source>Delete conversation</source>
        <translation>Удалить разговор</translation>
    </message>
    <message>
        <source>Delete “%1” and all its messages? This cannot be undone.</source>
        <translation>Удалить «%1» и все его сообщения? Это нельзя отменить.</translation>
    </message>
    <message>
        <source>Export conversation</source>
        <translation>Экспорт разговора</translation>
    </message>
    <message>
        <source>Markdown (*.md);;JSON (*.json)</source>
        <translation>Markdown (*.md);;JSON (*.json)</translation>
    </message>
    <message>
        <source>Rename</source>
        <translation>Переименовать</translation>
    </message>
    <message>
        <source>Export…</source>
        <translation>Экспорт…</translation>
    </message>
    <message>
        <source>Delete…</source>
        <translation>Удалить…</translation>
    </message>
</context>
<context>
    <name>DocumentsPanel</name>
    <message>
        <source>No documents yet.</source>
        <translation>Документов пока нет.</translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <source>Sova</source>
        <translation>Сова</translation>
    </message>
    <message>
        <source>New chat</source>
        <translation>Новый чат</translation>
    </message>
    <message>
        <source>Documents</source>
        <translation>Документы</translation>
    </message>
    <message>
        <source>Show or hide your documents</source>
        <translation>Показать или скрыть ваши документы</translation>
    </message>
    <message>
        <source>Source</source>
        <translation>Источник</translation>
    </message>
    <message>
        <source>Settings</source>
        <translation>Настройки</translation>
    </message>
    <message>
        <source>Toolbar</source>
        <translation>Панель инструментов</translation>
    </message>
    <message>
        <source>The model could not be loaded: %1</source>
        <translation>Не удалось загрузить модель: %1</translation>
    </message>
    <message>
        <source>The model is running again.</source>
        <translation>Модель снова работает.</translation>
    </message>
    <message>
        <source>Loading %1…</source>
        <translation>Загрузка %1…</translation>
    </message>
    <message>
        <source>%1: not loaded</source>
        <translation>%1: не загружена</translation>
    </message>
    <message>
        <source>%1 tok/s · context %2 / %3</source>
        <translation>%1 ток/с · контекст %2 / %3</translation>
    </message>
    <message>
        <source>%1 prompt tokens (%2 evaluated), %3 answer tokens</source>
        <translation>Токенов в запросе: %1 (вычислено %2), в ответе: %3</translation>
    </message>
    <message>
        <source>Sova cannot open these files: %1. It reads PDF, text, Markdown, HTML, DOCX and EPUB documents, and WAV, MP3, OGG, M4A and FLAC audio.</source>
        <translation>Сова не умеет открывать эти файлы: %1. Она читает документы PDF, TXT, Markdown, HTML, DOCX и EPUB и аудио WAV, MP3, OGG, M4A и FLAC.</translation>
    </message>
</context>
<context>
    <name>SettingsDialog</name>
    <message>
        <source>Settings</source>
        <translation>Настройки</translation>
    </message>
    <message>
        <source>General</source>
        <translation>Общие</translation>
    </message>
    <message>
        <source>Generation</source>
        <translation>Генерация</translation>
    </message>
    <message>
        <source>Models</source>
        <translation>Модели</translation>
    </message>
    <message>
        <source>Language:</source>
        <translation>Язык:</translation>
    </message>
    <message>
        <source>System default</source>
        <translation>Как в системе</translation>
    </message>
    <message>
        <source>Temperature:</source>
        <translation>Температура:</translation>
    </message>
    <message>
        <source>Top-p:</source>
        <translation>Top-p:</translation>
    </message>
    <message>
        <source>Maximum answer length (tokens):</source>
        <translation>Максимальная длина ответа (токенов):</translation>
    </message>
    <message>
        <source>Context size (tokens):</source>
        <translation>Размер контекста (токенов):</translation>
    </message>
    <message>
        <source>CPU threads (0 = automatic):</source>
        <translation>Потоки процессора (0 — автоматически):</translation>
    </message>
    <message>
        <source>Add GGUF…</source>
        <translation>Добавить GGUF…</translation>
    </message>
    <message>
        <source>Add a chat model file (.gguf) from disk</source>
        <translation>Добавить файл чат-модели (.gguf) с диска</translation>
    </message>
    <message>
        <source>Make active</source>
        <translation>Сделать активной</translation>
    </message>
    <message>
        <source>added from disk</source>
        <translation>добавлена с диска</translation>
    </message>
    <message>
        <source>prepared on first use</source>
        <translation>будет подготовлена при первом использовании</translation>
    </message>
    <message>
        <source>file missing</source>
        <translation>файл не найден</translation>
    </message>
    <message>
        <source>active</source>
        <translation>активна</translation>
    </message>
    <message>
        <source>Checking %1…</source>
        <translation>Проверка %1…</translation>
    </message>
    <message>
        <source>Added “%1”. Select it and press “Make active” to use it.</source>
        <translation>Модель «%1» добавлена. Выберите её и нажмите «Сделать активной».</translation>
    </message>
    <message>
        <source>Could not add the model: %1</source>
        <translation>Не удалось добавить модель: %1</translation>
    </message>
    <message>
        <source>Switching model…</source>
        <translation>Переключение модели…</translation>
    </message>
    <message>
        <source>Active model changed; it loads in the background.</source>
        <translation>Активная модель изменена; она загружается в фоне.</translation>
    </message>
    <message>
        <source>Add a GGUF model</source>
        <translation>Добавить модель GGUF</translation>
    </message>
    <message>
        <source>GGUF models (*.gguf);;All files (*)</source>
        <translation>Модели GGUF (*.gguf);;Все файлы (*)</translation>
    </message>
</context>
<context>
    <name>SourcePanel</name>
    <message>
        <source>Open file</source>
        <translation>Открыть файл</translation>
    </message>
    <message>
        <source>Click a source number like [1] in an answer to see the passage here.</source>
        <translation>Нажмите на номер источника вроде [1] в ответе, чтобы увидеть здесь фрагмент.</translation>
    </message>
    <message>
        <source>page %1</source>
        <translation>стр. %1</translation>
    </message>
    <message>
        <source>at %1</source>
        <translation>на %1</translation>
    </message>
</context>
<context>
    <name>VoiceSettingsPage</name>
    <message>
        <source>Microphone</source>
        <translation>Микрофон</translation>
    </message>
    <message>
        <source>Talk button</source>
        <translation>Кнопка записи</translation>
    </message>
    <message>
        <source>Language</source>
        <translation>Язык</translation>
    </message>
    <message>
        <source>Speech model</source>
        <translation>Модель распознавания речи</translation>
    </message>
    <message>
        <source>Longest recording</source>
        <translation>Самая длинная запись</translation>
    </message>
    <message>
        <source>Send the question when I release the button</source>
        <translation>Отправлять вопрос, когда я отпускаю кнопку</translation>
    </message>
    <message>
        <source>Skip silence (voice activity detection)</source>
        <translation>Пропускать тишину (определение речи)</translation>
    </message>
    <message>
        <source>Hold to talk</source>
        <translation>Удерживайте, чтобы говорить</translation>
    </message>
    <message>
        <source>Click to start, click to stop</source>
        <translation>Нажмите, чтобы начать, и ещё раз, чтобы закончить</translation>
    </message>
    <message>
        <source>Detect automatically</source>
        <translation>Определять автоматически</translation>
    </message>
    <message>
        <source>Russian</source>
        <translation>Русский</translation>
    </message>
    <message>
        <source>English</source>
        <translation>Английский</translation>
    </message>
    <message>
        <source>System default</source>
        <translation>Как в системе</translation>
    </message>
    <message>
        <source>No microphone found. You can still drop audio files to transcribe them.</source>
        <translation>Микрофон не найден. Вы всё равно можете перетащить аудиофайлы, чтобы распознать их.</translation>
    </message>
</context>
</TS>
