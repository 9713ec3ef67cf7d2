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
    <message>
        <source>p. %1</source>
        <translation>стр. %1</translation>
    </message>
    <message>
        <source>Sources:</source>
        <translation>Источники:</translation>
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
        <source>Which document collections this conversation answers from</source>
        <translation>Из каких коллекций документов отвечать в этом разговоре</translation>
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
        <source>All collections</source>
        <translation>Все коллекции</translation>
    </message>
    <message>
        <source>%1 collections</source>
        <translation>Коллекций: %1</translation>
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
    <name>DocumentsModel</name>
    <message>
        <source>%1 pages</source>
        <translation>страниц: %1</translation>
    </message>
    <message>
        <source>1 page</source>
        <translation>1 страница</translation>
    </message>
    <message>
        <source>%1 passages</source>
        <translation>фрагментов: %1</translation>
    </message>
    <message>
        <source>1 passage</source>
        <translation>1 фрагмент</translation>
    </message>
    <message>
        <source>indexed</source>
        <translation>проиндексирован</translation>
    </message>
    <message>
        <source>failed: %1</source>
        <translation>ошибка: %1</translation>
    </message>
    <message>
        <source>unknown error</source>
        <translation>неизвестная ошибка</translation>
    </message>
    <message>
        <source>wrong password: enter it again</source>
        <translation>неверный пароль: введите его ещё раз</translation>
    </message>
    <message>
        <source>needs a password</source>
        <translation>нужен пароль</translation>
    </message>
    <message>
        <source>stopped before it was indexed</source>
        <translation>остановлен до конца индексации</translation>
    </message>
    <message>
        <source>queued</source>
        <translation>в очереди</translation>
    </message>
    <message>
        <source>OCR page %1/%2</source>
        <translation>распознавание, стр. %1/%2</translation>
    </message>
    <message>
        <source>embedding %1/%2</source>
        <translation>векторизация %1/%2</translation>
    </message>
    <message>
        <source>page %1/%2</source>
        <translation>стр. %1/%2</translation>
    </message>
    <message>
        <source>read, waiting for the embedder</source>
        <translation>прочитан, ждёт векторизации</translation>
    </message>
    <message>
        <source>reading page %1/%2</source>
        <translation>чтение, стр. %1/%2</translation>
    </message>
    <message>
        <source>reading</source>
        <translation>чтение</translation>
    </message>
    <message>
        <source>Collection: %1</source>
        <translation>Коллекция: %1</translation>
    </message>
    <message>
        <source>Note: %1</source>
        <translation>Примечание: %1</translation>
    </message>
</context>
<context>
    <name>DocumentsPanel</name>
    <message>
        <source>Add documents…</source>
        <translation>Добавить документы…</translation>
    </message>
    <message>
        <source>Index PDF, text, Markdown, HTML, DOCX or EPUB files</source>
        <translation>Проиндексировать файлы PDF, TXT, Markdown, HTML, DOCX или EPUB</translation>
    </message>
    <message>
        <source>Add folder…</source>
        <translation>Добавить папку…</translation>
    </message>
    <message>
        <source>Index every document in a folder and its subfolders</source>
        <translation>Проиндексировать все документы в папке и её подпапках</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>Отмена</translation>
    </message>
    <message>
        <source>Stop indexing; files already indexed stay</source>
        <translation>Остановить индексацию; уже проиндексированные файлы останутся</translation>
    </message>
    <message>
        <source>Remove</source>
        <translation>Удалить</translation>
    </message>
    <message>
        <source>Forget the selected files (the files on disk are not touched)</source>
        <translation>Убрать выбранные файлы из библиотеки (сами файлы на диске не трогаются)</translation>
    </message>
    <message>
        <source>Re-index</source>
        <translation>Переиндексировать</translation>
    </message>
    <message>
        <source>Read and index the selected files again</source>
        <translation>Прочитать и проиндексировать выбранные файлы заново</translation>
    </message>
    <message>
        <source>Enter password…</source>
        <translation>Ввести пароль…</translation>
    </message>
    <message>
        <source>No documents yet.

Drop files or folders onto the window, or use &quot;Add documents…&quot;. Then turn on &quot;Answer from documents&quot; in a chat.</source>
        <translation>Документов пока нет.

Перетащите файлы или папки в окно или нажмите «Добавить документы…». Затем включите «Отвечать по документам» в чате.</translation>
    </message>
    <message>
        <source>Add documents</source>
        <translation>Добавить документы</translation>
    </message>
    <message>
        <source>Documents (%1)</source>
        <translation>Документы (%1)</translation>
    </message>
    <message>
        <source>All files (*)</source>
        <translation>Все файлы (*)</translation>
    </message>
    <message>
        <source>Add a folder of documents</source>
        <translation>Добавить папку с документами</translation>
    </message>
    <message>
        <source>Preparing…</source>
        <translation>Подготовка…</translation>
    </message>
    <message>
        <source>Indexed %1 of %2</source>
        <translation>Проиндексировано %1 из %2</translation>
    </message>
    <message>
        <source>Files: %1, indexed: %2, passages: %3</source>
        <translation>Файлов: %1, проиндексировано: %2, фрагментов: %3</translation>
    </message>
    <message>
        <source>failed: %1</source>
        <translation>с ошибкой: %1</translation>
    </message>
    <message>
        <source>loading the embedding model…</source>
        <translation>загрузка модели векторизации…</translation>
    </message>
    <message>
        <source>Default</source>
        <translation>Основная</translation>
    </message>
    <message>
        <source>paused</source>
        <translation>пауза</translation>
    </message>
    <message>
        <source>Resume</source>
        <translation>Продолжить</translation>
    </message>
    <message>
        <source>Pause</source>
        <translation>Пауза</translation>
    </message>
    <message>
        <source>Continue indexing</source>
        <translation>Продолжить индексацию</translation>
    </message>
    <message>
        <source>Pause indexing for now</source>
        <translation>Приостановить индексацию</translation>
    </message>
    <message>
        <source>Collections: %1</source>
        <translation>Коллекции: %1</translation>
    </message>
    <message>
        <source>Indexing stopped: %1</source>
        <translation>Индексация остановлена: %1</translation>
    </message>
    <message>
        <source>%1 files in the folders were skipped (not documents or unreadable)</source>
        <translation>Пропущено файлов в папках: %1 (не документы или не читаются)</translation>
    </message>
    <message>
        <source>Collection: %1</source>
        <translation>Коллекция: %1</translation>
    </message>
    <message>
        <source>Note: %1</source>
        <translation>Примечание: %1</translation>
    </message>
    <message>
        <source>Open file</source>
        <translation>Открыть файл</translation>
    </message>
    <message>
        <source>Password needed</source>
        <translation>Нужен пароль</translation>
    </message>
    <message>
        <source>The password is wrong for “%1”. Try again:</source>
        <translation>Неверный пароль для «%1». Попробуйте ещё раз:</translation>
    </message>
    <message>
        <source>“%1” is protected by a password. Enter it to index the file:</source>
        <translation>Файл «%1» защищён паролем. Введите пароль, чтобы проиндексировать его:</translation>
    </message>
    <message>
        <source>Index</source>
        <translation>Индексировать</translation>
    </message>
    <message>
        <source>about %1 s left</source>
        <translation>осталось около %1 с</translation>
    </message>
    <message>
        <source>about %1 min left</source>
        <translation>осталось около %1 мин</translation>
    </message>
    <message>
        <source>about %1 h %2 min left</source>
        <translation>осталось около %1 ч %2 мин</translation>
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
    <name>Recorder</name>
    <message>
        <source>The microphone %1 offers no usable sample format.</source>
        <translation>Микрофон %1 не поддерживает ни один подходящий формат звука.</translation>
    </message>
    <message>
        <source>Stopped at the maximum length of %1 s; transcribing what was recorded.</source>
        <translation>Запись остановлена на максимальной длине %1 с; распознаю то, что записано.</translation>
    </message>
    <message>
        <source>Transcribing what was recorded.</source>
        <translation>Распознаю то, что записано.</translation>
    </message>
    <message>
        <source>the microphone</source>
        <translation>микрофон</translation>
    </message>
    <message>
        <source>Sova cannot open %1: access was denied or the device is busy.</source>
        <translation>Сова не может открыть %1: доступ запрещён или устройство занято.</translation>
    </message>
    <message>
        <source>%1 stopped delivering audio (was it unplugged?).</source>
        <translation>%1 перестал передавать звук (его отключили?).</translation>
    </message>
    <message>
        <source>%1 failed and cannot be used right now.</source>
        <translation>%1 неисправен и сейчас не может использоваться.</translation>
    </message>
    <message>
        <source>%1 reported an error (%2).</source>
        <translation>%1 сообщил об ошибке (%2).</translation>
    </message>
    <message>
        <source>%1 was disconnected; transcribing what was recorded.</source>
        <translation>%1 отключён; распознаю то, что записано.</translation>
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
        <source>Voice</source>
        <translation>Голос</translation>
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
    <name>VoiceButton</name>
    <message>
        <source>Stop transcribing the file (the text so far is kept)</source>
        <translation>Остановить распознавание файла (уже полученный текст сохранится)</translation>
    </message>
    <message>
        <source>Hold to talk (or hold Ctrl+Space). Drop an audio file on the window to transcribe it.</source>
        <translation>Удерживайте, чтобы говорить (или удерживайте Ctrl+Пробел). Перетащите аудиофайл в окно, чтобы распознать его.</translation>
    </message>
    <message>
        <source>Click (or Ctrl+Space) to start and stop. Drop an audio file on the window to transcribe it.</source>
        <translation>Нажмите (или Ctrl+Пробел), чтобы начать и закончить запись. Перетащите аудиофайл в окно, чтобы распознать его.</translation>
    </message>
    <message>
        <source>No microphone found. Connect one (or allow access to it) to dictate; you can still drop an audio file on the window to transcribe it.</source>
        <translation>Микрофон не найден. Подключите его (или разрешите к нему доступ), чтобы диктовать; аудиофайл можно перетащить в окно и распознать и без микрофона.</translation>
    </message>
    <message>
        <source>No microphone found.</source>
        <translation>Микрофон не найден.</translation>
    </message>
    <message>
        <source>Queued %1</source>
        <translation>%1 в очереди</translation>
    </message>
    <message>
        <source>Transcribing %1…</source>
        <translation>Распознаю %1…</translation>
    </message>
    <message>
        <source>Transcribing…</source>
        <translation>Распознаю…</translation>
    </message>
    <message>
        <source>Listening %1 / %2
release to stop</source>
        <translation>Слушаю %1 / %2
отпустите, чтобы закончить</translation>
    </message>
    <message>
        <source>Listening %1 / %2
click to stop</source>
        <translation>Слушаю %1 / %2
нажмите, чтобы закончить</translation>
    </message>
    <message>
        <source>Stopped transcribing %1.</source>
        <translation>Распознавание %1 остановлено.</translation>
    </message>
    <message>
        <source>%1: %2%</source>
        <translation>%1: %2%</translation>
    </message>
    <message>
        <source>Transcription failed: %1</source>
        <translation>Не удалось распознать речь: %1</translation>
    </message>
    <message>
        <source>No speech detected in %1.</source>
        <translation>В %1 речь не обнаружена.</translation>
    </message>
    <message>
        <source>No speech detected.</source>
        <translation>Речь не обнаружена.</translation>
    </message>
    <message>
        <source>Stop recording</source>
        <translation>Остановить запись</translation>
    </message>
    <message>
        <source>Record a question</source>
        <translation>Записать вопрос голосом</translation>
    </message>
    <message>
        <source>Index the transcript of %1 so answers can cite it, with the time of each passage</source>
        <translation>Проиндексировать расшифровку %1, чтобы ответы могли ссылаться на неё с указанием времени каждого фрагмента</translation>
    </message>
    <message>
        <source>Could not add the transcript: %1</source>
        <translation>Не удалось добавить расшифровку: %1</translation>
    </message>
    <message>
        <source>Adding the transcript of %1 to the documents…</source>
        <translation>Добавление расшифровки %1 в документы…</translation>
    </message>
    <message>
        <source>Added the transcript of %1 to the documents.</source>
        <translation>Расшифровка %1 добавлена в документы.</translation>
    </message>
    <message>
        <source>Add to documents</source>
        <translation>Добавить в документы</translation>
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
<context>
    <name>_ReasonTr</name>
    <message>
        <source>this PDF is protected by a password</source>
        <translation>этот PDF защищён паролем</translation>
    </message>
    <message>
        <source>the password is wrong for this PDF</source>
        <translation>неверный пароль для этого PDF</translation>
    </message>
    <message>
        <source>the file is empty (0 bytes)</source>
        <translation>файл пуст (0 байт)</translation>
    </message>
    <message>
        <source>the file does not exist (moved or deleted?)</source>
        <translation>файла нет (перемещён или удалён?)</translation>
    </message>
    <message>
        <source>no text found in this file</source>
        <translation>в файле не найден текст</translation>
    </message>
    <message>
        <source>this is not a valid %1 file (%2)</source>
        <translation>это не настоящий файл %1 (%2)</translation>
    </message>
    <message>
        <source>this PDF is damaged and cannot be opened (%1)</source>
        <translation>этот PDF повреждён и не открывается (%1)</translation>
    </message>
    <message>
        <source>this PDF is damaged: %1</source>
        <translation>этот PDF повреждён: %1</translation>
    </message>
    <message>
        <source>this %1 file is damaged (%2)</source>
        <translation>этот файл %1 повреждён (%2)</translation>
    </message>
    <message>
        <source>this is not a text file (%1)</source>
        <translation>это не текстовый файл (%1)</translation>
    </message>
    <message>
        <source>files of type &apos;%1&apos; are not supported</source>
        <translation>файлы типа «%1» не поддерживаются</translation>
    </message>
    <message>
        <source>permission denied: the file cannot be read</source>
        <translation>нет доступа: файл не читается</translation>
    </message>
    <message>
        <source>the file cannot be read (%1)</source>
        <translation>файл не читается (%1)</translation>
    </message>
    <message>
        <source>this PDF has no pages</source>
        <translation>в этом PDF нет страниц</translation>
    </message>
</context>
</TS>
