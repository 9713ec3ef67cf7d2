<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="ru_RU" sourcelanguage="en">
<context>
    <name>AnswerDetails</name>
    <message>
        <source>Used memory (what you told Sova earlier):</source>
        <translation>Использована память (что вы рассказали Сове раньше):</translation>
    </message>
    <message>
        <source>the better answer you wrote</source>
        <translation>ваш вариант ответа</translation>
    </message>
    <message>
        <source>an answer you rated %1 of 5</source>
        <translation>ответ, который вы оценили на %1 из 5</translation>
    </message>
    <message>
        <source>an answer you rated with a thumb up</source>
        <translation>ответ, которому вы поставили палец вверх</translation>
    </message>
    <message>
        <source>an answer you rated highly</source>
        <translation>ответ, который вы высоко оценили</translation>
    </message>
    <message>
        <source>Learned from your rating:</source>
        <translation>Учла вашу оценку:</translation>
    </message>
    <message>
        <source>the model was shown, as an example, %1 (to an earlier, similar question).</source>
        <translation>модели в качестве примера показан %1 (на похожий прежний вопрос).</translation>
    </message>
    <message>
        <source>similarity to this question %1</source>
        <translation>сходство с этим вопросом %1</translation>
    </message>
    <message>
        <source>Earlier question: %1</source>
        <translation>Прежний вопрос: %1</translation>
    </message>
    <message>
        <source>Adapter: %1 (the model fine-tuned on your ratings)</source>
        <translation>Адаптер: %1 (модель, дообученная на ваших оценках)</translation>
    </message>
    <message>
        <source>The model %1 saw the pictures themselves; it was also given what Sova read from them:</source>
        <translation>Модель %1 видела сами изображения; ей также передано то, что Сова прочитала на них:</translation>
    </message>
    <message>
        <source>The model %1 does not see pictures: it answered from what Sova read from them:</source>
        <translation>Модель %1 не видит изображений: она ответила по тому, что Сова прочитала на них:</translation>
    </message>
    <message>
        <source>it could not be read.</source>
        <translation>её не удалось прочитать.</translation>
    </message>
    <message>
        <source>Seems to show (image classifier): %1</source>
        <translation>Похоже, на ней (классификатор изображений): %1</translation>
    </message>
    <message>
        <source>Main colours: %1</source>
        <translation>Основные цвета: %1</translation>
    </message>
    <message>
        <source>Taken: %1</source>
        <translation>Снято: %1</translation>
    </message>
    <message>
        <source>Text recognition is not installed.</source>
        <translation>Распознавание текста не установлено.</translation>
    </message>
    <message>
        <source>Read from the picture %1:</source>
        <translation>Прочитано с картинки %1:</translation>
    </message>
    <message>
        <source>No text found in it.</source>
        <translation>Текста на ней не найдено.</translation>
    </message>
    <message>
        <source>p. %1</source>
        <translation>с. %1</translation>
    </message>
    <message>
        <source>collection “%1”</source>
        <translation>коллекция «%1»</translation>
    </message>
    <message>
        <source>rank score %1</source>
        <translation>оценка ранжирования %1</translation>
    </message>
    <message>
        <source>meaning %1</source>
        <translation>смысл %1</translation>
    </message>
    <message>
        <source>keywords %1</source>
        <translation>ключевые слова %1</translation>
    </message>
    <message>
        <source>no shared keywords</source>
        <translation>нет общих ключевых слов</translation>
    </message>
    <message>
        <source>%1 neighbouring chunks merged</source>
        <translation>присоединено соседних фрагментов: %1</translation>
    </message>
    <message>
        <source>cited in the answer</source>
        <translation>процитирован в ответе</translation>
    </message>
    <message>
        <source>not cited</source>
        <translation>не процитирован</translation>
    </message>
</context>
<context>
    <name>AnswerDetailsDialog</name>
    <message>
        <source>Answer details</source>
        <translation>Подробности ответа</translation>
    </message>
    <message>
        <source>The model was given these passages from your documents, best first. The rank score orders them (meaning and keywords together); meaning is the similarity of the passage to the question, keywords the score of the words they share.</source>
        <translation>Модель получила эти отрывки из ваших документов, лучшие — первыми. Их порядок задаёт оценка ранжирования (смысл и ключевые слова вместе); смысл — близость отрывка к вопросу, ключевые слова — оценка общих слов.</translation>
    </message>
</context>
<context>
    <name>AppearancePage</name>
    <message>
        <source>Language:</source>
        <translation>Язык:</translation>
    </message>
    <message>
        <source>Theme:</source>
        <translation>Тема:</translation>
    </message>
    <message>
        <source>Font size:</source>
        <translation>Размер шрифта:</translation>
    </message>
    <message>
        <source>As the system</source>
        <translation>Как в системе</translation>
    </message>
    <message>
        <source>Light</source>
        <translation>Светлая</translation>
    </message>
    <message>
        <source>Dark</source>
        <translation>Тёмная</translation>
    </message>
    <message>
        <source>System default</source>
        <translation>Как в системе</translation>
    </message>
    <message>
        <source> pt</source>
        <translation> пт</translation>
    </message>
</context>
<context>
    <name>AttachButton</name>
    <message>
        <source>Attach pictures to ask about (or paste one with Ctrl+V, or drop it here)</source>
        <translation>Приложить картинки к вопросу (или вставьте через Ctrl+V, или перетащите сюда)</translation>
    </message>
    <message>
        <source>Attach pictures</source>
        <translation>Приложить картинки</translation>
    </message>
    <message>
        <source>Pictures (%1)</source>
        <translation>Картинки (%1)</translation>
    </message>
</context>
<context>
    <name>AttachmentStrip</name>
    <message>
        <source>At most %1 pictures go with one question.</source>
        <translation>К одному вопросу можно приложить не больше %1 картинок.</translation>
    </message>
    <message>
        <source>The pasted picture could not be saved: %1</source>
        <translation>Не удалось сохранить вставленную картинку: %1</translation>
    </message>
    <message>
        <source>The clipboard holds no picture and no text to paste.</source>
        <translation>В буфере обмена нет ни картинки, ни текста.</translation>
    </message>
</context>
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
        <source>adapter %1</source>
        <translation>адаптер %1</translation>
    </message>
    <message>
        <source>by voice</source>
        <translation>голосом</translation>
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
        <source>Details</source>
        <translation>Подробности</translation>
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
        <source>Who answers in this conversation (Settings → Personas)</source>
        <translation>Кто отвечает в этой беседе (Настройки → Персоны)</translation>
    </message>
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
        <source>Stopping…</source>
        <translation>Остановка…</translation>
    </message>
    <message>
        <source>Copied</source>
        <translation>Скопировано</translation>
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
    <message>
        <source>Comment / suggest a better answer…</source>
        <translation>Комментарий / предложить ответ лучше…</translation>
    </message>
</context>
<context>
    <name>Codes</name>
    <message>
        <source>Loading the model…</source>
        <translation>Загружаю модель…</translation>
    </message>
    <message>
        <source>Searching your documents…</source>
        <translation>Ищу в ваших документах…</translation>
    </message>
    <message>
        <source>Waiting for the model: %1 ahead of this question…</source>
        <translation>Жду модель: перед этим вопросом в очереди ещё %1…</translation>
    </message>
    <message>
        <source>Waiting for the model to finish a background task…</source>
        <translation>Жду, пока модель закончит фоновую задачу…</translation>
    </message>
    <message>
        <source>The model is restarting (attempt %1 of %2)…</source>
        <translation>Модель перезапускается (попытка %1 из %2)…</translation>
    </message>
    <message>
        <source>Paused for your question.</source>
        <translation>Приостановлено ради вашего вопроса.</translation>
    </message>
    <message>
        <source>Older messages were left out to fit the context window.</source>
        <translation>Старые сообщения пропущены, чтобы уместиться в окно контекста.</translation>
    </message>
    <message>
        <source>Reading the picture %1 (%2 of %3)…</source>
        <translation>Читаю картинку %1 (%2 из %3)…</translation>
    </message>
    <message>
        <source>The model began in another language; answering again in Russian…</source>
        <translation>Модель начала отвечать на другом языке; отвечаю заново по-русски…</translation>
    </message>
    <message>
        <source>The model began in another language; answering again in English…</source>
        <translation>Модель начала отвечать на другом языке; отвечаю заново по-английски…</translation>
    </message>
    <message>
        <source>The model answered with source numbers only; answering again…</source>
        <translation>Модель ответила одними номерами источников; отвечаю заново…</translation>
    </message>
    <message>
        <source>The model repeated the question instead of answering; answering again…</source>
        <translation>Модель повторила вопрос вместо ответа; отвечаю заново…</translation>
    </message>
    <message>
        <source>Answering again…</source>
        <translation>Отвечаю заново…</translation>
    </message>
    <message>
        <source>The model stopped unexpectedly; it is being restarted. The partial answer is saved.</source>
        <translation>Модель неожиданно остановилась и перезапускается. Написанная часть ответа сохранена.</translation>
    </message>
    <message>
        <source>The model is busy: %1 requests are already waiting. Try again in a moment.</source>
        <translation>Модель занята: в очереди уже %1 запросов. Повторите чуть позже.</translation>
    </message>
    <message>
        <source>The model was busy for too long; the question was not sent. Try again.</source>
        <translation>Модель слишком долго была занята, вопрос не отправлен. Повторите.</translation>
    </message>
    <message>
        <source>The answer took longer than %1 s and was stopped; the part written so far is kept.</source>
        <translation>Ответ длился дольше %1 с и был остановлен; написанная часть сохранена.</translation>
    </message>
    <message>
        <source>The model server cannot be reached. Check that it is running and the address in Settings.</source>
        <translation>Сервер модели недоступен. Проверьте, что он запущен, и его адрес в настройках.</translation>
    </message>
    <message>
        <source>The model server&apos;s address %1 is not known on this network.</source>
        <translation>Адрес сервера модели %1 неизвестен в этой сети.</translation>
    </message>
    <message>
        <source>The server has no model named %1. Choose one of its models in Settings → Models.</source>
        <translation>На сервере нет модели %1. Выберите одну из его моделей в «Настройки → Модели».</translation>
    </message>
    <message>
        <source>That address is not an OpenAI-compatible server (it should end in /v1). Check it in Settings.</source>
        <translation>По этому адресу нет сервера, совместимого с OpenAI (адрес должен оканчиваться на /v1). Проверьте его в настройках.</translation>
    </message>
    <message>
        <source>The model server failed (HTTP %1).</source>
        <translation>Ошибка сервера модели (HTTP %1).</translation>
    </message>
    <message>
        <source>The model server is busy (too many requests). Try again shortly.</source>
        <translation>Сервер модели занят (слишком много запросов). Повторите чуть позже.</translation>
    </message>
    <message>
        <source>The model server rejected the request: %1</source>
        <translation>Сервер модели отклонил запрос: %1</translation>
    </message>
    <message>
        <source>The model server lists no models.</source>
        <translation>Сервер модели не предлагает ни одной модели.</translation>
    </message>
    <message>
        <source>The model server refused the API key. Enter the right key in Settings → Models.</source>
        <translation>Сервер модели не принял ключ API. Введите верный ключ в «Настройки → Модели».</translation>
    </message>
    <message>
        <source>The model server did not answer in time.</source>
        <translation>Сервер модели не ответил вовремя.</translation>
    </message>
    <message>
        <source>The model server closed the connection in the middle of the answer; the part received is kept.</source>
        <translation>Сервер модели разорвал соединение посреди ответа; полученная часть сохранена.</translation>
    </message>
    <message>
        <source>The model server answered with something Sova does not understand.</source>
        <translation>Сервер модели ответил так, что Сова его не понимает.</translation>
    </message>
    <message>
        <source>The model keeps crashing. Try a smaller context size or another model in Settings, then send again.</source>
        <translation>Модель снова и снова падает. Уменьшите размер контекста или выберите другую модель в настройках и отправьте вопрос ещё раз.</translation>
    </message>
    <message>
        <source>A bundled model package is missing or damaged: reinstall %1.</source>
        <translation>Пакет встроенной модели отсутствует или повреждён: переустановите %1.</translation>
    </message>
    <message>
        <source>Sova&apos;s database %1 cannot be used; your data is untouched. Details are in the log.</source>
        <translation>Базу данных Совы %1 нельзя использовать; ваши данные не тронуты. Подробности в журнале.</translation>
    </message>
    <message>
        <source>Document search failed (%1); the answer does not use your documents.</source>
        <translation>Поиск по документам не удался (%1); ответ дан без ваших документов.</translation>
    </message>
    <message>
        <source>The model did not answer in Russian, even when asked again.</source>
        <translation>Модель не ответила по-русски даже после повторной просьбы.</translation>
    </message>
    <message>
        <source>The model did not answer in English, even when asked again.</source>
        <translation>Модель не ответила по-английски даже после повторной просьбы.</translation>
    </message>
    <message>
        <source>%1: the file is gone.</source>
        <translation>%1: файла больше нет.</translation>
    </message>
    <message>
        <source>%1: the file is empty.</source>
        <translation>%1: файл пуст.</translation>
    </message>
    <message>
        <source>%1 is not a picture Sova can read (whatever its name says).</source>
        <translation>%1 — не картинка, которую Сова может прочитать (что бы ни говорило его имя).</translation>
    </message>
    <message>
        <source>%1: the picture is damaged or cut short.</source>
        <translation>%1: картинка повреждена или обрезана.</translation>
    </message>
    <message>
        <source>%1: this variant of the format cannot be read.</source>
        <translation>%1: этот вариант формата не читается.</translation>
    </message>
    <message>
        <source>%1 has too many pixels to be a photo (it may be a decompression bomb); it was not opened.</source>
        <translation>%1: слишком много пикселей для фотографии (возможно, это «бомба» распаковки); файл не открыт.</translation>
    </message>
    <message>
        <source>%1: the file does not exist.</source>
        <translation>%1: файла не существует.</translation>
    </message>
    <message>
        <source>%1 is not a GGUF file.</source>
        <translation>%1 — не файл GGUF.</translation>
    </message>
    <message>
        <source>%1 is a projector, not a language model: choose the model first, then its mmproj file.</source>
        <translation>%1 — проектор, а не языковая модель: сначала выберите модель, затем её файл mmproj.</translation>
    </message>
    <message>
        <source>%1 is not a language model.</source>
        <translation>%1 — не языковая модель.</translation>
    </message>
    <message>
        <source>%1 is not a multimodal projector (mmproj) file.</source>
        <translation>%1 — не файл мультимодального проектора (mmproj).</translation>
    </message>
    <message>
        <source>%1 has no image encoder (it may be an audio projector).</source>
        <translation>В %1 нет кодировщика изображений (возможно, это проектор для звука).</translation>
    </message>
    <message>
        <source>%1: Sova cannot tell what size of embeddings this projector makes.</source>
        <translation>%1: Сова не может определить размер векторов, которые выдаёт этот проектор.</translation>
    </message>
    <message>
        <source>llama.cpp cannot use the projector %1 with this model: add the model again with the mmproj file made for it.</source>
        <translation>llama.cpp не может использовать проектор %1 с этой моделью: добавьте модель заново с файлом mmproj, сделанным для неё.</translation>
    </message>
    <message>
        <source>%1 belongs to another model: it makes %2-wide image embeddings, the model expects %3.</source>
        <translation>%1 относится к другой модели: он выдаёт векторы изображений размером %2, а модель ожидает %3.</translation>
    </message>
    <message>
        <source>Loading %1…</source>
        <translation>Загружаю %1…</translation>
    </message>
    <message>
        <source>%1: restarting in %2 s (%3 of %4)</source>
        <translation>%1: перезапуск через %2 с (%3 из %4)</translation>
    </message>
    <message>
        <source>%1: not loaded</source>
        <translation>%1: не загружена</translation>
    </message>
    <message>
        <source>The model crashed again; restarting it with a smaller batch.</source>
        <translation>Модель снова упала; перезапускаю её с меньшим пакетом.</translation>
    </message>
    <message>
        <source>The model crashed again; switching to the smaller bundled model for now.</source>
        <translation>Модель снова упала; пока переключаюсь на меньшую встроенную модель.</translation>
    </message>
    <message>
        <source>The model stopped unexpectedly; restarting it in %1 s (attempt %2 of %3). Your conversation and the partial answer are saved.</source>
        <translation>Модель неожиданно остановилась; перезапускаю её через %1 с (попытка %2 из %3). Беседа и написанная часть ответа сохранены.</translation>
    </message>
    <message>
        <source>The model is running again.</source>
        <translation>Модель снова работает.</translation>
    </message>
    <message>
        <source>The model could not be loaded: %1</source>
        <translation>Не удалось загрузить модель: %1</translation>
    </message>
</context>
<context>
    <name>Colours</name>
    <message>
        <source>black</source>
        <translation>чёрный</translation>
    </message>
    <message>
        <source>white</source>
        <translation>белый</translation>
    </message>
    <message>
        <source>gray</source>
        <translation>серый</translation>
    </message>
    <message>
        <source>silver</source>
        <translation>серебристый</translation>
    </message>
    <message>
        <source>red</source>
        <translation>красный</translation>
    </message>
    <message>
        <source>dark red</source>
        <translation>тёмно-красный</translation>
    </message>
    <message>
        <source>orange</source>
        <translation>оранжевый</translation>
    </message>
    <message>
        <source>yellow</source>
        <translation>жёлтый</translation>
    </message>
    <message>
        <source>beige</source>
        <translation>бежевый</translation>
    </message>
    <message>
        <source>brown</source>
        <translation>коричневый</translation>
    </message>
    <message>
        <source>green</source>
        <translation>зелёный</translation>
    </message>
    <message>
        <source>dark green</source>
        <translation>тёмно-зелёный</translation>
    </message>
    <message>
        <source>olive</source>
        <translation>оливковый</translation>
    </message>
    <message>
        <source>teal</source>
        <translation>сине-зелёный</translation>
    </message>
    <message>
        <source>cyan</source>
        <translation>бирюзовый</translation>
    </message>
    <message>
        <source>light blue</source>
        <translation>голубой</translation>
    </message>
    <message>
        <source>blue</source>
        <translation>синий</translation>
    </message>
    <message>
        <source>navy</source>
        <translation>тёмно-синий</translation>
    </message>
    <message>
        <source>purple</source>
        <translation>фиолетовый</translation>
    </message>
    <message>
        <source>pink</source>
        <translation>розовый</translation>
    </message>
    <message>
        <source>magenta</source>
        <translation>пурпурный</translation>
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
    <name>DiagnosticsPage</name>
    <message>
        <source>Health</source>
        <translation>Работоспособность</translation>
    </message>
    <message>
        <source>Part</source>
        <translation>Часть</translation>
    </message>
    <message>
        <source>State</source>
        <translation>Состояние</translation>
    </message>
    <message>
        <source>Details</source>
        <translation>Подробности</translation>
    </message>
    <message>
        <source>Export diagnostics…</source>
        <translation>Экспорт диагностики…</translation>
    </message>
    <message>
        <source>Save a zip with versions, settings, metrics and logs for a bug report. It contains no conversations and no document text.</source>
        <translation>Сохранить zip-архив с версиями, настройками, метриками и журналами для сообщения об ошибке. В нём нет разговоров и текста документов.</translation>
    </message>
    <message>
        <source>seconds ago</source>
        <translation>секунд назад</translation>
    </message>
    <message>
        <source>request</source>
        <translation>запрос</translation>
    </message>
    <message>
        <source>Generation speed</source>
        <translation>Скорость генерации</translation>
    </message>
    <message>
        <source>tokens/s</source>
        <translation>токенов/с</translation>
    </message>
    <message>
        <source>tokens per second</source>
        <translation>токенов в секунду</translation>
    </message>
    <message>
        <source>Waiting</source>
        <translation>Ожидание</translation>
    </message>
    <message>
        <source>seconds</source>
        <translation>секунды</translation>
    </message>
    <message>
        <source>first token</source>
        <translation>первый токен</translation>
    </message>
    <message>
        <source>in the queue</source>
        <translation>в очереди</translation>
    </message>
    <message>
        <source>Sova</source>
        <translation>Сова</translation>
    </message>
    <message>
        <source>model host</source>
        <translation>процесс модели</translation>
    </message>
    <message>
        <source>Memory</source>
        <translation>Память</translation>
    </message>
    <message>
        <source>MB</source>
        <translation>МБ</translation>
    </message>
    <message>
        <source>CPU (100% = one core)</source>
        <translation>Процессор (100% = одно ядро)</translation>
    </message>
    <message>
        <source>The model stopped unexpectedly; restarting ({attempt} of {of})</source>
        <translation>Модель неожиданно остановилась; перезапуск ({attempt} из {of})</translation>
    </message>
    <message>
        <source>model crashed</source>
        <translation>сбой модели</translation>
    </message>
    <message>
        <source>model error</source>
        <translation>ошибка модели</translation>
    </message>
    <message>
        <source>took too long</source>
        <translation>слишком долго</translation>
    </message>
    <message>
        <source>refused, queue full</source>
        <translation>отказ, очередь заполнена</translation>
    </message>
    <message>
        <source>waited too long in the queue</source>
        <translation>слишком долго в очереди</translation>
    </message>
    <message>
        <source>server unreachable</source>
        <translation>сервер недоступен</translation>
    </message>
    <message>
        <source>API key refused</source>
        <translation>ключ API отклонён</translation>
    </message>
    <message>
        <source>server timed out</source>
        <translation>сервер не ответил вовремя</translation>
    </message>
    <message>
        <source>server answer not understood</source>
        <translation>непонятный ответ сервера</translation>
    </message>
    <message>
        <source>server dropped the connection</source>
        <translation>сервер разорвал соединение</translation>
    </message>
    <message>
        <source>other errors</source>
        <translation>прочие ошибки</translation>
    </message>
    <message>
        <source>{model} — requests: {requests}; speed: {speed} tokens/s; first token: {ttft50} s (95%: {ttft95} s); in the queue: {wait50} s (95%: {wait95} s)</source>
        <translation>{model} — запросов: {requests}; скорость: {speed} токенов/с; первый токен: {ttft50} с (95%: {ttft95} с); в очереди: {wait50} с (95%: {wait95} с)</translation>
    </message>
    <message>
        <source>Queue length</source>
        <translation>Длина очереди</translation>
    </message>
    <message>
        <source>requests</source>
        <translation>запросы</translation>
    </message>
    <message>
        <source>Model</source>
        <translation>Модель</translation>
    </message>
    <message>
        <source>Document index</source>
        <translation>Индекс документов</translation>
    </message>
    <message>
        <source>Speech recognition</source>
        <translation>Распознавание речи</translation>
    </message>
    <message>
        <source>Working</source>
        <translation>Работает</translation>
    </message>
    <message>
        <source>Starting</source>
        <translation>Запускается</translation>
    </message>
    <message>
        <source>Degraded</source>
        <translation>С ограничениями</translation>
    </message>
    <message>
        <source>Down</source>
        <translation>Не работает</translation>
    </message>
    <message>
        <source>Not started</source>
        <translation>Не запущено</translation>
    </message>
    <message>
        <source>Restarted after a crash ({attempt} of {of})</source>
        <translation>Перезапущена после сбоя ({attempt} из {of})</translation>
    </message>
    <message>
        <source>Restarted with a smaller batch to use less memory</source>
        <translation>Перезапущена с меньшим пакетом, чтобы занимать меньше памяти</translation>
    </message>
    <message>
        <source>Switched to the smaller bundled model</source>
        <translation>Переключено на меньшую встроенную модель</translation>
    </message>
    <message>
        <source>The model keeps crashing; choose a smaller model or free memory</source>
        <translation>Модель постоянно падает; выберите модель поменьше или освободите память</translation>
    </message>
    <message>
        <source>The model could not be loaded</source>
        <translation>Не удалось загрузить модель</translation>
    </message>
    <message>
        <source>No model is configured</source>
        <translation>Модель не выбрана</translation>
    </message>
    <message>
        <source>The model server cannot be reached</source>
        <translation>Сервер модели недоступен</translation>
    </message>
    <message>
        <source>The model server refused the API key</source>
        <translation>Сервер модели отклонил ключ API</translation>
    </message>
    <message>
        <source>The model server did not answer in time</source>
        <translation>Сервер модели не ответил вовремя</translation>
    </message>
    <message>
        <source>The model server sent an answer Sova does not understand</source>
        <translation>Сервер модели прислал ответ, который Сова не понимает</translation>
    </message>
    <message>
        <source>The model server closed the connection mid-answer</source>
        <translation>Сервер модели закрыл соединение посреди ответа</translation>
    </message>
    <message>
        <source>A request took too long</source>
        <translation>Запрос выполнялся слишком долго</translation>
    </message>
    <message>
        <source>Too many requests were waiting</source>
        <translation>Слишком много запросов в очереди</translation>
    </message>
    <message>
        <source>A request waited too long in the queue</source>
        <translation>Запрос слишком долго ждал в очереди</translation>
    </message>
    <message>
        <source>A bundled model package is missing</source>
        <translation>Не хватает пакета встроенной модели</translation>
    </message>
    <message>
        <source>A bundled model file is damaged</source>
        <translation>Файл встроенной модели повреждён</translation>
    </message>
    <message>
        <source>No requests yet.</source>
        <translation>Запросов пока не было.</translation>
    </message>
    <message>
        <source>Errors:</source>
        <translation>Ошибки:</translation>
    </message>
    <message>
        <source>Export diagnostics</source>
        <translation>Экспорт диагностики</translation>
    </message>
    <message>
        <source>Zip archives (*.zip)</source>
        <translation>Zip-архивы (*.zip)</translation>
    </message>
    <message>
        <source>Writing %1…</source>
        <translation>Сохранение %1…</translation>
    </message>
    <message>
        <source>Saved to %1</source>
        <translation>Сохранено в %1</translation>
    </message>
    <message>
        <source>Could not export diagnostics: %1</source>
        <translation>Не удалось сохранить диагностику: %1</translation>
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
    <name>FeedbackPage</name>
    <message>
        <source>Quality</source>
        <translation>Качество</translation>
    </message>
    <message>
        <source>Training</source>
        <translation>Обучение</translation>
    </message>
</context>
<context>
    <name>ImageKinds</name>
    <message>
        <source>a bear</source>
        <translation>медведь</translation>
    </message>
    <message>
        <source>a big cat</source>
        <translation>крупная кошка</translation>
    </message>
    <message>
        <source>a bird</source>
        <translation>птица</translation>
    </message>
    <message>
        <source>a dog</source>
        <translation>собака</translation>
    </message>
    <message>
        <source>a domestic cat</source>
        <translation>домашняя кошка</translation>
    </message>
    <message>
        <source>a fish</source>
        <translation>рыба</translation>
    </message>
    <message>
        <source>an insect</source>
        <translation>насекомое</translation>
    </message>
    <message>
        <source>a monkey or an ape</source>
        <translation>обезьяна</translation>
    </message>
    <message>
        <source>a wild dog or a fox</source>
        <translation>дикая собака или лиса</translation>
    </message>
</context>
<context>
    <name>LearningSettingsBox</name>
    <message>
        <source>Learn from answers rated at least:</source>
        <translation>Учиться на ответах с оценкой не ниже:</translation>
    </message>
    <message>
        <source>A thumb up counts as 5 stars; answers you corrected always count</source>
        <translation>Палец вверх считается за 5 звёзд; исправленные вами ответы учитываются всегда</translation>
    </message>
    <message>
        <source>Give the model highly rated answers to similar questions</source>
        <translation>Показывать модели высоко оценённые ответы на похожие вопросы</translation>
    </message>
    <message>
        <source>When you ask something close to a question you rated highly, the model sees that answer as an example (no training needed)</source>
        <translation>Когда вы спрашиваете о чём-то близком к вопросу с высокой оценкой, модель видит тот ответ как пример (обучение для этого не нужно)</translation>
    </message>
    <message>
        <source>Offer training when, over the last rated answers, quality falls below any of these bars:</source>
        <translation>Предлагать обучение, когда по последним оценённым ответам качество опускается ниже любой из этих планок:</translation>
    </message>
    <message>
        <source>Rated answers to look at:</source>
        <translation>Сколько последних оценок учитывать:</translation>
    </message>
    <message>
        <source>Average below:</source>
        <translation>Средняя оценка ниже:</translation>
    </message>
    <message>
        <source>Satisfied below:</source>
        <translation>Довольных меньше:</translation>
    </message>
    <message>
        <source>Negative above:</source>
        <translation>Негативных больше:</translation>
    </message>
    <message>
        <source>New ratings since the last training, at least:</source>
        <translation>Новых оценок после прошлого обучения, не меньше:</translation>
    </message>
    <message>
        <source>Check every (days):</source>
        <translation>Проверять раз в (дней):</translation>
    </message>
    <message>
        <source>Start training by itself when quality drops</source>
        <translation>Запускать обучение самостоятельно, когда качество падает</translation>
    </message>
    <message>
        <source>Off: Sova asks first. An adapter that does not pass the check is never put to use by itself</source>
        <translation>Выключено: Сова сначала спрашивает. Адаптер, не прошедший проверку, сам в работу не включается</translation>
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
        <source>Diagnostics</source>
        <translation>Диагностика</translation>
    </message>
    <message>
        <source>Live figures: speed, memory, queue and the health of each part</source>
        <translation>Живые показатели: скорость, память, очередь и состояние каждой части</translation>
    </message>
    <message>
        <source>Toolbar</source>
        <translation>Панель инструментов</translation>
    </message>
    <message>
        <source>%1 · adapter %2</source>
        <translation>%1 · адаптер %2</translation>
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
        <source>Sova cannot open these files: %1. It reads documents (%2), audio (%3) and pictures (%4).</source>
        <translation>Сова не умеет открывать эти файлы: %1. Она читает документы (%2), аудио (%3) и картинки (%4).</translation>
    </message>
</context>
<context>
    <name>MemoryPage</name>
    <message>
        <source>Remember what I tell Sova (memory on)</source>
        <translation>Запоминать то, что я рассказываю Сове (память включена)</translation>
    </message>
    <message>
        <source>Notice facts about me in conversations by itself (in the background)</source>
        <translation>Самой замечать факты обо мне в беседах (в фоне)</translation>
    </message>
    <message>
        <source>Search facts</source>
        <translation>Поиск по фактам</translation>
    </message>
    <message>
        <source>Fact</source>
        <translation>Факт</translation>
    </message>
    <message>
        <source>Memory of</source>
        <translation>Чья память</translation>
    </message>
    <message>
        <source>Changed</source>
        <translation>Изменён</translation>
    </message>
    <message>
        <source>Add…</source>
        <translation>Добавить…</translation>
    </message>
    <message>
        <source>Edit…</source>
        <translation>Изменить…</translation>
    </message>
    <message>
        <source>Delete</source>
        <translation>Удалить</translation>
    </message>
    <message>
        <source>Forget everything…</source>
        <translation>Забыть всё…</translation>
    </message>
    <message>
        <source>All personas</source>
        <translation>Все персоны</translation>
    </message>
    <message>
        <source>Shared memory</source>
        <translation>Общая память</translation>
    </message>
    <message>
        <source>Own memory of %1</source>
        <translation>Своя память: %1</translation>
    </message>
    <message>
        <source>shared</source>
        <translation>общая</translation>
    </message>
    <message>
        <source>%1 facts remembered.</source>
        <translation>Запомнено фактов: %1.</translation>
    </message>
    <message>
        <source>Unpin</source>
        <translation>Открепить</translation>
    </message>
    <message>
        <source>Pin</source>
        <translation>Закрепить</translation>
    </message>
    <message>
        <source>you asked Sova to remember it</source>
        <translation>вы попросили Сову запомнить</translation>
    </message>
    <message>
        <source>noticed in a conversation</source>
        <translation>замечено в беседе</translation>
    </message>
    <message>
        <source>edited by you</source>
        <translation>изменено вами</translation>
    </message>
    <message>
        <source>Open the conversation</source>
        <translation>Открыть беседу</translation>
    </message>
    <message>
        <source>From your message:</source>
        <translation>Из вашего сообщения:</translation>
    </message>
    <message>
        <source>Earlier:</source>
        <translation>Раньше:</translation>
    </message>
    <message>
        <source>What should Sova remember about you?</source>
        <translation>Что Сове запомнить о вас?</translation>
    </message>
    <message>
        <source>Edit the fact (the old text stays in its history):</source>
        <translation>Измените факт (прежний текст останется в его истории):</translation>
    </message>
    <message>
        <source>Forget everything Sova remembers about you? The facts, their history and their search vectors are erased and cannot be restored. Your conversations stay, and are not read for facts again.</source>
        <translation>Забыть всё, что Сова помнит о вас? Факты, их история и поисковые векторы будут стёрты без возможности восстановления. Беседы останутся, и факты из них больше не будут извлекаться.</translation>
    </message>
    <message>
        <source>Forgot %1 facts.</source>
        <translation>Забыто фактов: %1.</translation>
    </message>
    <message>
        <source>A fact cannot be empty.</source>
        <translation>Факт не может быть пустым.</translation>
    </message>
    <message>
        <source>A fact is at most 300 characters long.</source>
        <translation>Факт — не длиннее 300 символов.</translation>
    </message>
    <message>
        <source>Could not change the memory: %1</source>
        <translation>Не удалось изменить память: %1</translation>
    </message>
    <message>
        <source>Memory</source>
        <translation>Память</translation>
    </message>
</context>
<context>
    <name>PasswordPrompts</name>
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
</context>
<context>
    <name>PersonasPage</name>
    <message>
        <source>New</source>
        <translation>Новая</translation>
    </message>
    <message>
        <source>Duplicate</source>
        <translation>Копия</translation>
    </message>
    <message>
        <source>Delete</source>
        <translation>Удалить</translation>
    </message>
    <message>
        <source>Import…</source>
        <translation>Импорт…</translation>
    </message>
    <message>
        <source>Export…</source>
        <translation>Экспорт…</translation>
    </message>
    <message>
        <source>Name:</source>
        <translation>Имя:</translation>
    </message>
    <message>
        <source>Instructions:</source>
        <translation>Инструкции:</translation>
    </message>
    <message>
        <source>Spice level:</source>
        <translation>Острота:</translation>
    </message>
    <message>
        <source>Temperature:</source>
        <translation>Температура:</translation>
    </message>
    <message>
        <source>Answer language:</source>
        <translation>Язык ответов:</translation>
    </message>
    <message>
        <source>Documents in new chats:</source>
        <translation>Документы в новых чатах:</translation>
    </message>
    <message>
        <source>Memory:</source>
        <translation>Память:</translation>
    </message>
    <message>
        <source>Who the assistant is and how it answers</source>
        <translation>Кто такой ассистент и как он отвечает</translation>
    </message>
    <message>
        <source>Own temperature</source>
        <translation>Своя температура</translation>
    </message>
    <message>
        <source>Off: the temperature of the Generation page</source>
        <translation>Выключено: температура со страницы «Генерация»</translation>
    </message>
    <message>
        <source>The question&apos;s language</source>
        <translation>Язык вопроса</translation>
    </message>
    <message>
        <source>Shared with other personas</source>
        <translation>Общая с другими персонами</translation>
    </message>
    <message>
        <source>Its own memory</source>
        <translation>Своя память</translation>
    </message>
    <message>
        <source>Off: remembers nothing</source>
        <translation>Выключена: ничего не запоминает</translation>
    </message>
    <message>
        <source>New chats start with this persona</source>
        <translation>Новые чаты начинаются с этой персоной</translation>
    </message>
    <message>
        <source>Save</source>
        <translation>Сохранить</translation>
    </message>
    <message>
        <source>0: polite and neutral, no jokes</source>
        <translation>0: вежливо и нейтрально, без шуток</translation>
    </message>
    <message>
        <source>1: plain (the default tone)</source>
        <translation>1: просто (обычный тон)</translation>
    </message>
    <message>
        <source>2: friendly, a little humour</source>
        <translation>2: дружелюбно, немного юмора</translation>
    </message>
    <message>
        <source>3: witty, with irony</source>
        <translation>3: остроумно, с иронией</translation>
    </message>
    <message>
        <source>4: cheeky, teases you</source>
        <translation>4: дерзко, подкалывает</translation>
    </message>
    <message>
        <source>5: sarcastic roaster</source>
        <translation>5: язвительный насмешник</translation>
    </message>
    <message>
        <source>(default)</source>
        <translation>(по умолчанию)</translation>
    </message>
    <message>
        <source>Off</source>
        <translation>Выключены</translation>
    </message>
    <message>
        <source>All collections</source>
        <translation>Все коллекции</translation>
    </message>
    <message>
        <source>Saved “%1”.</source>
        <translation>Сохранено: «%1».</translation>
    </message>
    <message>
        <source>New persona</source>
        <translation>Новая персона</translation>
    </message>
    <message>
        <source>You are a helpful assistant.</source>
        <translation>Ты — полезный помощник.</translation>
    </message>
    <message>
        <source>Delete the persona “%1”?</source>
        <translation>Удалить персону «%1»?</translation>
    </message>
    <message>
        <source>Its own memory is deleted with it.</source>
        <translation>Её собственная память удалится вместе с ней.</translation>
    </message>
    <message>
        <source>Deleted “%1”.</source>
        <translation>Удалено: «%1».</translation>
    </message>
    <message>
        <source>Imported %1 personas from %2.</source>
        <translation>Импортировано персон: %1 (из %2).</translation>
    </message>
    <message>
        <source>Exported to %1.</source>
        <translation>Экспортировано в %1.</translation>
    </message>
    <message>
        <source>%1 is not a usable persona file: %2</source>
        <translation>%1 — не файл персон, который можно прочитать: %2</translation>
    </message>
    <message>
        <source>%1 was made by another version of Sova (version %2); nothing was imported.</source>
        <translation>%1 создан другой версией Совы (версия %2); ничего не импортировано.</translation>
    </message>
    <message>
        <source>%1 is too large for a persona file; nothing was imported.</source>
        <translation>%1 слишком велик для файла персон; ничего не импортировано.</translation>
    </message>
    <message>
        <source>The last persona cannot be deleted.</source>
        <translation>Последнюю персону удалить нельзя.</translation>
    </message>
    <message>
        <source>Could not change the personas: %2</source>
        <translation>Не удалось изменить персоны: %2</translation>
    </message>
    <message>
        <source>The file</source>
        <translation>Файл</translation>
    </message>
    <message>
        <source>Import personas</source>
        <translation>Импорт персон</translation>
    </message>
    <message>
        <source>Persona files (*.json);;All files (*)</source>
        <translation>Файлы персон (*.json);;Все файлы (*)</translation>
    </message>
    <message>
        <source>Export persona</source>
        <translation>Экспорт персоны</translation>
    </message>
    <message>
        <source>Persona files (*.json)</source>
        <translation>Файлы персон (*.json)</translation>
    </message>
    <message>
        <source>Personas</source>
        <translation>Персоны</translation>
    </message>
</context>
<context>
    <name>PictureViewer</name>
    <message>
        <source>Loading…</source>
        <translation>Загрузка…</translation>
    </message>
    <message>
        <source>Add to documents</source>
        <translation>Добавить в документы</translation>
    </message>
    <message>
        <source>Index the text in this picture, so answers from documents can find and cite it</source>
        <translation>Проиндексировать текст с картинки, чтобы ответы по документам находили и цитировали его</translation>
    </message>
</context>
<context>
    <name>PrivacyPage</name>
    <message>
        <source>Data</source>
        <translation>Данные</translation>
    </message>
    <message>
        <source>Location</source>
        <translation>Где хранятся</translation>
    </message>
    <message>
        <source>Size</source>
        <translation>Размер</translation>
    </message>
    <message>
        <source>What Sova keeps on this computer:</source>
        <translation>Что Сова хранит на этом компьютере:</translation>
    </message>
    <message>
        <source>Refresh</source>
        <translation>Обновить</translation>
    </message>
    <message>
        <source>Delete all data…</source>
        <translation>Удалить все данные…</translation>
    </message>
    <message>
        <source>Deletes all conversations, everything Sova remembers, the document index and the logs. Personas, settings and the downloaded models stay.</source>
        <translation>Удаляет все беседы, всё, что помнит Сова, индекс документов и журналы. Персоны, настройки и загруженные модели останутся.</translation>
    </message>
    <message>
        <source>Questions, with the parts of your documents and memories used to answer them, are sent to the model server you configured: %1. This is the only exception: everything else stays on this computer.</source>
        <translation>Вопросы вместе с частями документов и воспоминаний, нужными для ответа, отправляются на настроенный вами сервер модели: %1. Это единственное исключение: всё остальное остаётся на этом компьютере.</translation>
    </message>
    <message>
        <source>Sova works offline. Your conversations, documents and everything it remembers stay on this computer and are never sent anywhere.</source>
        <translation>Сова работает без сети. Ваши беседы, документы и всё, что она помнит, остаются на этом компьютере и никуда не отправляются.</translation>
    </message>
    <message>
        <source>Conversations, memory and personas</source>
        <translation>Беседы, память и персоны</translation>
    </message>
    <message>
        <source>Document index</source>
        <translation>Индекс документов</translation>
    </message>
    <message>
        <source>Models</source>
        <translation>Модели</translation>
    </message>
    <message>
        <source>Settings</source>
        <translation>Настройки</translation>
    </message>
    <message>
        <source>Logs</source>
        <translation>Журналы</translation>
    </message>
    <message>
        <source>%1 B</source>
        <translation>%1 Б</translation>
    </message>
    <message>
        <source>%1 KB</source>
        <translation>%1 КБ</translation>
    </message>
    <message>
        <source>%1 MB</source>
        <translation>%1 МБ</translation>
    </message>
    <message>
        <source>%1 GB</source>
        <translation>%1 ГБ</translation>
    </message>
    <message>
        <source>Could not measure the data: %1</source>
        <translation>Не удалось измерить данные: %1</translation>
    </message>
    <message>
        <source>Open folder</source>
        <translation>Открыть папку</translation>
    </message>
    <message>
        <source>Delete all your data?

This deletes all conversations, everything Sova remembers about you, the document index (your files themselves stay where they are) and the logs.

Personas, settings and the downloaded models stay.

This cannot be undone.</source>
        <translation>Удалить все ваши данные?

Будут удалены все беседы, всё, что Сова помнит о вас, индекс документов (сами файлы останутся на месте) и журналы.

Персоны, настройки и загруженные модели останутся.

Это нельзя отменить.</translation>
    </message>
    <message>
        <source>Delete all data</source>
        <translation>Удалить все данные</translation>
    </message>
    <message>
        <source>Delete everything</source>
        <translation>Удалить всё</translation>
    </message>
    <message>
        <source>Deleting…</source>
        <translation>Удаление…</translation>
    </message>
    <message>
        <source>Deleting conversations…</source>
        <translation>Удаляю беседы…</translation>
    </message>
    <message>
        <source>Forgetting what Sova remembers…</source>
        <translation>Забываю то, что помнит Сова…</translation>
    </message>
    <message>
        <source>Removing the document index…</source>
        <translation>Удаляю индекс документов…</translation>
    </message>
    <message>
        <source>Clearing the logs…</source>
        <translation>Очищаю журналы…</translation>
    </message>
    <message>
        <source>Deleted all conversations, memories, the document index and the logs.</source>
        <translation>Удалены все беседы, воспоминания, индекс документов и журналы.</translation>
    </message>
    <message>
        <source>Could not delete everything: %1</source>
        <translation>Не удалось удалить всё: %1</translation>
    </message>
</context>
<context>
    <name>QualityTab</name>
    <message>
        <source>Persona:</source>
        <translation>Персона:</translation>
    </message>
    <message>
        <source>Period:</source>
        <translation>Период:</translation>
    </message>
    <message>
        <source>Last 7 days</source>
        <translation>Последние 7 дней</translation>
    </message>
    <message>
        <source>Last 30 days</source>
        <translation>Последние 30 дней</translation>
    </message>
    <message>
        <source>Last 90 days</source>
        <translation>Последние 90 дней</translation>
    </message>
    <message>
        <source>Last year</source>
        <translation>Последний год</translation>
    </message>
    <message>
        <source>All time</source>
        <translation>За всё время</translation>
    </message>
    <message>
        <source>Export CSV…</source>
        <translation>Экспорт в CSV…</translation>
    </message>
    <message>
        <source>The ratings of this persona and period as a table (opens in a spreadsheet)</source>
        <translation>Оценки выбранной персоны за выбранный период в виде таблицы (открывается в табличном редакторе)</translation>
    </message>
    <message>
        <source>Export JSONL…</source>
        <translation>Экспорт в JSONL…</translation>
    </message>
    <message>
        <source>The ratings with the context each answer had, one JSON object a line</source>
        <translation>Оценки вместе с контекстом каждого ответа, по одному объекту JSON в строке</translation>
    </message>
    <message>
        <source>Rated answers</source>
        <translation>Оценено ответов</translation>
    </message>
    <message>
        <source>Average rating</source>
        <translation>Средняя оценка</translation>
    </message>
    <message>
        <source>Satisfied</source>
        <translation>Хорошие</translation>
    </message>
    <message>
        <source>Negative</source>
        <translation>Плохие</translation>
    </message>
    <message>
        <source>Better answers</source>
        <translation>Исправления</translation>
    </message>
    <message>
        <source>Comments</source>
        <translation>Комментарии</translation>
    </message>
    <message>
        <source>Answers with stars, a thumb or a better answer you wrote</source>
        <translation>Ответы со звёздами, пальцем вверх или вниз либо с вашим исправлением</translation>
    </message>
    <message>
        <source>Mean of the stars; a thumb up counts as 5, a thumb down as 1</source>
        <translation>Среднее число звёзд; палец вверх считается за 5, палец вниз — за 1</translation>
    </message>
    <message>
        <source>Share of rated answers with 4–5 stars or a thumb up</source>
        <translation>Доля оценённых ответов с 4–5 звёздами или пальцем вверх</translation>
    </message>
    <message>
        <source>Share of rated answers with 1–2 stars or a thumb down</source>
        <translation>Доля оценённых ответов с 1–2 звёздами или пальцем вниз</translation>
    </message>
    <message>
        <source>Answers you corrected by writing a better one</source>
        <translation>Ответы, которые вы исправили, написав ответ лучше</translation>
    </message>
    <message>
        <source>Answers you commented on</source>
        <translation>Ответы, к которым вы оставили комментарий</translation>
    </message>
    <message>
        <source>Quality over time</source>
        <translation>Динамика качества</translation>
    </message>
    <message>
        <source>Average ★ (left)</source>
        <translation>Средняя ★ (слева)</translation>
    </message>
    <message>
        <source>Satisfied % (right)</source>
        <translation>Хорошие, % (справа)</translation>
    </message>
    <message>
        <source>Negative % (right)</source>
        <translation>Плохие, % (справа)</translation>
    </message>
    <message>
        <source>Stars</source>
        <translation>Звёзды</translation>
    </message>
    <message>
        <source>Average rating per model and adapter</source>
        <translation>Средняя оценка по моделям и адаптерам</translation>
    </message>
    <message>
        <source>Average ★</source>
        <translation>Средняя ★</translation>
    </message>
    <message>
        <source>%1: average %2 ★ from %3 rated answers</source>
        <translation>%1: в среднем %2 ★, оценённых ответов: %3</translation>
    </message>
    <message>
        <source>Share of negative ratings</source>
        <translation>Доля плохих оценок</translation>
    </message>
    <message>
        <source>Neutral</source>
        <translation>Средние</translation>
    </message>
    <message>
        <source>All personas</source>
        <translation>Все персоны</translation>
    </message>
    <message>
        <source>Could not read the ratings: %1</source>
        <translation>Не удалось прочитать оценки: %1</translation>
    </message>
    <message>
        <source>No rated answers for this persona in this period. Choose another period or persona above.</source>
        <translation>У этой персоны за этот период оценённых ответов нет. Выберите выше другой период или персону.</translation>
    </message>
    <message>
        <source>These answers have better answers you wrote but no stars or thumbs yet, so there is nothing to chart.</source>
        <translation>К этим ответам вы написали исправления, но звёзд и пальцев пока не ставили, поэтому графикам не из чего строиться.</translation>
    </message>
    <message>
        <source>%1 up · %2 down</source>
        <translation>палец вверх: %1, вниз: %2</translation>
    </message>
    <message>
        <source>no stars or thumbs yet</source>
        <translation>звёзд и пальцев пока нет</translation>
    </message>
    <message>
        <source>of 5, from %1 scored</source>
        <translation>из 5; оценок: %1</translation>
    </message>
    <message>
        <source>4–5 ★ or a thumb up</source>
        <translation>4–5 ★ или палец вверх</translation>
    </message>
    <message>
        <source>1–2 ★ or a thumb down</source>
        <translation>1–2 ★ или палец вниз</translation>
    </message>
    <message>
        <source>written by you</source>
        <translation>написаны вами</translation>
    </message>
    <message>
        <source>%1%</source>
        <translation>%1 %</translation>
    </message>
    <message>
        <source>Replies without a model</source>
        <translation>Ответы без модели</translation>
    </message>
    <message>
        <source>%1 rated</source>
        <translation>оценок: %1</translation>
    </message>
    <message>
        <source>No rated answers yet</source>
        <translation>Оценённых ответов пока нет</translation>
    </message>
    <message>
        <source>Under each of Sova’s answers in the chat there are a thumb up, a thumb down and five stars: click one to rate the answer. “Comment…” next to them lets you say what was wrong and write a better answer.</source>
        <translation>Под каждым ответом Совы в чате есть палец вверх, палец вниз и пять звёзд: нажмите на любой, чтобы оценить ответ. «Отзыв…» рядом с ними позволяет сказать, что было не так, и написать ответ лучше.</translation>
    </message>
    <message>
        <source>Your ratings show here as figures and charts. Sova also learns from them: when you ask something similar to a highly rated question, the model is shown your rated answer as an example.</source>
        <translation>Здесь ваши оценки видны в цифрах и на графиках. А ещё Сова на них учится: когда вы спрашиваете что-то похожее на высоко оценённый вопрос, она показывает модели оценённый ответ как пример.</translation>
    </message>
    <message>
        <source>Could not export the ratings: %1</source>
        <translation>Не удалось выгрузить оценки: %1</translation>
    </message>
    <message>
        <source>Exported %1 rated answers to %2.</source>
        <translation>Выгружено оценённых ответов: %1 (файл %2).</translation>
    </message>
    <message>
        <source>CSV files (*.csv)</source>
        <translation>Файлы CSV (*.csv)</translation>
    </message>
    <message>
        <source>JSON lines (*.jsonl)</source>
        <translation>Файлы JSON Lines (*.jsonl)</translation>
    </message>
    <message>
        <source>Export ratings</source>
        <translation>Экспорт оценок</translation>
    </message>
</context>
<context>
    <name>Rating</name>
    <message>
        <source>Edit comment…</source>
        <translation>Изменить отзыв…</translation>
    </message>
    <message>
        <source>Comment…</source>
        <translation>Отзыв…</translation>
    </message>
    <message>
        <source>Good answer (click again to take it back)</source>
        <translation>Хороший ответ (нажмите ещё раз, чтобы отменить)</translation>
    </message>
    <message>
        <source>Good answer</source>
        <translation>Хороший ответ</translation>
    </message>
    <message>
        <source>Bad answer (click again to take it back)</source>
        <translation>Плохой ответ (нажмите ещё раз, чтобы отменить)</translation>
    </message>
    <message>
        <source>Bad answer</source>
        <translation>Плохой ответ</translation>
    </message>
    <message>
        <source>%1 of 5 stars (click again to take it back)</source>
        <translation>%1 из 5 звёзд (нажмите ещё раз, чтобы отменить)</translation>
    </message>
    <message>
        <source>%1 of 5 stars</source>
        <translation>%1 из 5 звёзд</translation>
    </message>
    <message>
        <source>Comment or suggest a better answer</source>
        <translation>Прокомментировать или предложить ответ лучше</translation>
    </message>
    <message>
        <source>Your comment: %1</source>
        <translation>Ваш комментарий: %1</translation>
    </message>
    <message>
        <source>You wrote a better answer.</source>
        <translation>Вы написали ответ лучше.</translation>
    </message>
    <message>
        <source>This answer is no longer stored, so it cannot be rated.</source>
        <translation>Этого ответа больше нет, оценить его нельзя.</translation>
    </message>
    <message>
        <source>The comment is too long (at most 2000 characters).</source>
        <translation>Комментарий слишком длинный (не больше 2000 знаков).</translation>
    </message>
    <message>
        <source>The better answer is too long (at most 8000 characters).</source>
        <translation>Ответ слишком длинный (не больше 8000 знаков).</translation>
    </message>
    <message>
        <source>Choose from 1 to 5 stars.</source>
        <translation>Выберите от 1 до 5 звёзд.</translation>
    </message>
    <message>
        <source>This rating cannot be stored.</source>
        <translation>Эту оценку нельзя сохранить.</translation>
    </message>
    <message>
        <source>The rating could not be saved: %1</source>
        <translation>Не удалось сохранить оценку: %1</translation>
    </message>
</context>
<context>
    <name>RatingDialog</name>
    <message>
        <source>Rate the answer</source>
        <translation>Оценка ответа</translation>
    </message>
    <message>
        <source>How good was this answer?</source>
        <translation>Насколько хорош этот ответ?</translation>
    </message>
    <message>
        <source>Your question: %1</source>
        <translation>Ваш вопрос: %1</translation>
    </message>
    <message>
        <source>Comment:</source>
        <translation>Комментарий:</translation>
    </message>
    <message>
        <source>What was good, what was wrong or missing? (optional)</source>
        <translation>Что было хорошо, что не так, чего не хватило? (необязательно)</translation>
    </message>
    <message>
        <source>A better answer (optional). Sova shows it to the model as an example when you ask something similar, and training learns from it:</source>
        <translation>Ответ лучше (необязательно). Когда вы спросите что-то похожее, Сова покажет его модели как пример; на нём же модель будет дообучаться:</translation>
    </message>
    <message>
        <source>Write the answer you expected…</source>
        <translation>Напишите ответ, которого вы ждали…</translation>
    </message>
    <message>
        <source>Start from Sova’s answer</source>
        <translation>Взять ответ Совы</translation>
    </message>
    <message>
        <source>Put Sova’s answer into the editor to correct it</source>
        <translation>Вставить ответ Совы в редактор, чтобы исправить его</translation>
    </message>
    <message>
        <source>Remove rating</source>
        <translation>Удалить оценку</translation>
    </message>
    <message>
        <source>Forget the stars, thumb, comment and better answer of this answer</source>
        <translation>Забыть звёзды, палец, комментарий и исправление этого ответа</translation>
    </message>
    <message>
        <source>No stars</source>
        <translation>Без звёзд</translation>
    </message>
    <message>
        <source>%1 of 5</source>
        <translation>%1 из 5</translation>
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
    <name>ScopeButton</name>
    <message>
        <source>All collections</source>
        <translation>Все коллекции</translation>
    </message>
    <message>
        <source>%1 collections</source>
        <translation>Коллекций: %1</translation>
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
        <source>Appearance</source>
        <translation>Оформление</translation>
    </message>
    <message>
        <source>Personas</source>
        <translation>Персоны</translation>
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
        <source>Memory</source>
        <translation>Память</translation>
    </message>
    <message>
        <source>Voice</source>
        <translation>Голос</translation>
    </message>
    <message>
        <source>Let the model title new conversations (in the background)</source>
        <translation>Пусть модель придумывает названия новых бесед (в фоне)</translation>
    </message>
    <message>
        <source>Verbose logs: include chat and document text (for bug reports only)</source>
        <translation>Подробный журнал: с текстом бесед и документов (только для отчётов об ошибках)</translation>
    </message>
    <message>
        <source>Off: the log files never contain what you wrote or read.</source>
        <translation>Выключено: в журнале никогда нет того, что вы писали или читали.</translation>
    </message>
    <message>
        <source>Privacy</source>
        <translation>Конфиденциальность</translation>
    </message>
    <message>
        <source>Feedback and training</source>
        <translation>Оценки и обучение</translation>
    </message>
    <message>
        <source>Diagnostics</source>
        <translation>Диагностика</translation>
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
        <source>Add vision model…</source>
        <translation>Добавить модель со зрением…</translation>
    </message>
    <message>
        <source>Add a model that sees pictures: its .gguf file, then its projector (mmproj) file</source>
        <translation>Добавить модель, которая видит изображения: её файл .gguf, затем файл проектора (mmproj)</translation>
    </message>
    <message>
        <source>Make active</source>
        <translation>Сделать активной</translation>
    </message>
    <message>
        <source>Backend:</source>
        <translation>Источник модели:</translation>
    </message>
    <message>
        <source>Bundled local model</source>
        <translation>Встроенная локальная модель</translation>
    </message>
    <message>
        <source>OpenAI-compatible server</source>
        <translation>Сервер, совместимый с OpenAI</translation>
    </message>
    <message>
        <source>Answer with a model running on this computer, or with a server such as llama.cpp&apos;s server, vLLM, Ollama or LM Studio</source>
        <translation>Отвечать моделью на этом компьютере или через сервер: сервер llama.cpp, vLLM, Ollama или LM Studio</translation>
    </message>
    <message>
        <source>Server address:</source>
        <translation>Адрес сервера:</translation>
    </message>
    <message>
        <source>Model:</source>
        <translation>Модель:</translation>
    </message>
    <message>
        <source>API key:</source>
        <translation>Ключ API:</translation>
    </message>
    <message>
        <source>The first model the server offers</source>
        <translation>Первая модель, которую предлагает сервер</translation>
    </message>
    <message>
        <source>Connect</source>
        <translation>Подключиться</translation>
    </message>
    <message>
        <source>Check the server and list its models</source>
        <translation>Проверить сервер и получить список его моделей</translation>
    </message>
    <message>
        <source>Stored in the system keyring</source>
        <translation>Хранится в системной связке ключей</translation>
    </message>
    <message>
        <source>Leave empty to keep the stored key; the key is never written to a file</source>
        <translation>Оставьте пустым, чтобы сохранить прежний ключ; ключ никогда не записывается в файл</translation>
    </message>
    <message>
        <source>Forget key</source>
        <translation>Забыть ключ</translation>
    </message>
    <message>
        <source>The model understands images</source>
        <translation>Модель понимает изображения</translation>
    </message>
    <message>
        <source>added from disk</source>
        <translation>добавлена с диска</translation>
    </message>
    <message>
        <source>sees pictures</source>
        <translation>видит изображения</translation>
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
        <source>Projector: %1</source>
        <translation>Проектор: %1</translation>
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
        <source>The projector (mmproj) of %1</source>
        <translation>Проектор (mmproj) для %1</translation>
    </message>
    <message>
        <source>Add a GGUF model</source>
        <translation>Добавить модель GGUF</translation>
    </message>
    <message>
        <source>GGUF models (*.gguf);;All files (*)</source>
        <translation>Модели GGUF (*.gguf);;Все файлы (*)</translation>
    </message>
    <message>
        <source>Connecting to %1…</source>
        <translation>Подключение к %1…</translation>
    </message>
    <message>
        <source>Connected. The server offers %1 models.</source>
        <translation>Подключено. Моделей на сервере: %1.</translation>
    </message>
    <message>
        <source>Server version %1.</source>
        <translation>Версия сервера: %1.</translation>
    </message>
    <message>
        <source>The server does not list the model “%1”.</source>
        <translation>Модели «%1» нет в списке сервера.</translation>
    </message>
    <message>
        <source>Nothing is listening at %1. Start the server, or check the address and port.</source>
        <translation>По адресу %1 никто не отвечает. Запустите сервер или проверьте адрес и порт.</translation>
    </message>
    <message>
        <source>The server name “%2” does not resolve. Check the address.</source>
        <translation>Имя сервера «%2» не найдено. Проверьте адрес.</translation>
    </message>
    <message>
        <source>Could not connect to %1.</source>
        <translation>Не удалось подключиться к %1.</translation>
    </message>
    <message>
        <source>The server refused access (%2). Check the API key.</source>
        <translation>Сервер отказал в доступе (%2). Проверьте ключ API.</translation>
    </message>
    <message>
        <source>The server at %1 did not answer in time.</source>
        <translation>Сервер %1 не ответил вовремя.</translation>
    </message>
    <message>
        <source>The server at %1 does not answer like an OpenAI-compatible API.</source>
        <translation>Сервер %1 отвечает не так, как API, совместимый с OpenAI.</translation>
    </message>
    <message>
        <source>%1 is not the address of an OpenAI-compatible API (it usually ends in /v1).</source>
        <translation>%1 — не адрес API, совместимого с OpenAI (обычно он оканчивается на /v1).</translation>
    </message>
    <message>
        <source>The server has no model “%2”.</source>
        <translation>На сервере нет модели «%2».</translation>
    </message>
    <message>
        <source>The server at %1 offers no models.</source>
        <translation>Сервер %1 не предлагает ни одной модели.</translation>
    </message>
    <message>
        <source>The server at %1 failed with an internal error (%2).</source>
        <translation>Внутренняя ошибка сервера %1 (%2).</translation>
    </message>
    <message>
        <source>“%1” is not a usable server address.</source>
        <translation>«%1» — неподходящий адрес сервера.</translation>
    </message>
    <message>
        <source>The server at %1 is busy. Try again shortly.</source>
        <translation>Сервер %1 занят. Повторите попытку чуть позже.</translation>
    </message>
    <message>
        <source>The server at %1 closed the connection.</source>
        <translation>Сервер %1 закрыл соединение.</translation>
    </message>
    <message>
        <source>The API key was removed from the keyring.</source>
        <translation>Ключ API удалён из связки ключей.</translation>
    </message>
    <message>
        <source>Could not store the API key: %1</source>
        <translation>Не удалось сохранить ключ API: %1</translation>
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
    <name>StarPicker</name>
    <message>
        <source>%1 of 5 stars</source>
        <translation>%1 из 5 звёзд</translation>
    </message>
</context>
<context>
    <name>TrainingNotice</name>
    <message>
        <source>Later</source>
        <translation>Позже</translation>
    </message>
    <message>
        <source>Hide this; Sova checks the ratings again in a few days</source>
        <translation>Скрыть; Сова снова проверит оценки через несколько дней</translation>
    </message>
    <message>
        <source>Train now</source>
        <translation>Обучить сейчас</translation>
    </message>
    <message>
        <source>Show</source>
        <translation>Показать</translation>
    </message>
    <message>
        <source>Open Settings → Feedback and training → Training and start</source>
        <translation>Открыть «Настройки → Оценки и обучение → Обучение» и начать</translation>
    </message>
    <message>
        <source>Open Settings → Feedback and training → Training</source>
        <translation>Открыть «Настройки → Оценки и обучение → Обучение»</translation>
    </message>
    <message>
        <source>Train Sova on your ratings?</source>
        <translation>Обучить Сову на ваших оценках?</translation>
    </message>
</context>
<context>
    <name>TrainingTab</name>
    <message>
        <source>What Sova would learn from</source>
        <translation>На чём Сова будет учиться</translation>
    </message>
    <message>
        <source>Examples to learn from:</source>
        <translation>Примеров для обучения:</translation>
    </message>
    <message>
        <source>Liked / disliked answers:</source>
        <translation>Понравившихся / непонравившихся:</translation>
    </message>
    <message>
        <source>Held out to check the result:</source>
        <translation>Отложено для проверки:</translation>
    </message>
    <message>
        <source>Training steps:</source>
        <translation>Шагов обучения:</translation>
    </message>
    <message>
        <source>Preference step:</source>
        <translation>Этап предпочтений:</translation>
    </message>
    <message>
        <source>Removed by the check:</source>
        <translation>Отсеяно проверкой:</translation>
    </message>
    <message>
        <source>Languages:</source>
        <translation>Языки:</translation>
    </message>
    <message>
        <source>Answers rated at or above the minimum, and the better answers you wrote</source>
        <translation>Ответы с оценкой не ниже минимальной и ваши исправленные варианты</translation>
    </message>
    <message>
        <source>For the preference step: answers to make more likely and answers to avoid</source>
        <translation>Для этапа предпочтений: ответы, которые надо сделать вероятнее, и ответы, которых надо избегать</translation>
    </message>
    <message>
        <source>One rated answer in seven is kept out of training to judge the new adapter</source>
        <translation>Каждый седьмой оценённый ответ не идёт в обучение: по нему оценивается новый адаптер</translation>
    </message>
    <message>
        <source>Supervised training steps (about one and a half passes over the examples)</source>
        <translation>Шаги обучения на примерах (примерно полтора прохода по ним)</translation>
    </message>
    <message>
        <source>A second step that also pushes away from disliked answers; it needs at least five of them</source>
        <translation>Второй этап, который ещё и уводит от непонравившихся ответов; для него нужно хотя бы пять таких</translation>
    </message>
    <message>
        <source>Answers left out: the same answer twice, empty texts, answers too long to train on, conversations with mixed-up roles</source>
        <translation>Не вошедшие ответы: повторы, пустые тексты, слишком длинные для обучения ответы, беседы с перепутанными ролями</translation>
    </message>
    <message>
        <source>The languages of the examples</source>
        <translation>Языки примеров</translation>
    </message>
    <message>
        <source>Training</source>
        <translation>Обучение</translation>
    </message>
    <message>
        <source>Training teaches the model your liked answers and the better answers you wrote (and, with enough disliked answers, what to avoid) as a small adapter. It runs in the background at the lowest priority and pauses while Sova answers. The new adapter is checked on answers held out from training and is put to use only if it does better.</source>
        <translation>Обучение учит модель понравившимся вам ответам и вашим исправленным вариантам (а если непонравившихся ответов достаточно — ещё и тому, чего избегать) и сохраняет это в небольшой адаптер. Оно идёт в фоне с самым низким приоритетом и приостанавливается, пока Сова отвечает. Новый адаптер проверяется на ответах, отложенных от обучения, и включается, только если он лучше.</translation>
    </message>
    <message>
        <source>Start training</source>
        <translation>Начать обучение</translation>
    </message>
    <message>
        <source>Train an adapter on your rated answers in the background; Sova keeps answering meanwhile</source>
        <translation>Обучить адаптер на оценённых ответах в фоне; Сова тем временем продолжает отвечать</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>Отменить</translation>
    </message>
    <message>
        <source>Stop the run; it can be resumed from its last checkpoint</source>
        <translation>Остановить обучение; его можно будет продолжить с последней контрольной точки</translation>
    </message>
    <message>
        <source>Resume the stopped training</source>
        <translation>Продолжить прерванное обучение</translation>
    </message>
    <message>
        <source>Discard</source>
        <translation>Отбросить</translation>
    </message>
    <message>
        <source>Forget the stopped run and its checkpoint</source>
        <translation>Забыть прерванное обучение и его контрольную точку</translation>
    </message>
    <message>
        <source>Training loss</source>
        <translation>Потери при обучении</translation>
    </message>
    <message>
        <source>Learning from your answers</source>
        <translation>Обучение на ваших ответах</translation>
    </message>
    <message>
        <source>Preference step</source>
        <translation>Этап предпочтений</translation>
    </message>
    <message>
        <source>Step</source>
        <translation>Шаг</translation>
    </message>
    <message>
        <source>Loss</source>
        <translation>Потери</translation>
    </message>
    <message>
        <source>Adapter versions</source>
        <translation>Версии адаптера</translation>
    </message>
    <message>
        <source>Settings</source>
        <translation>Настройки</translation>
    </message>
    <message>
        <source>Could not read the ratings: %1</source>
        <translation>Не удалось прочитать оценки: %1</translation>
    </message>
    <message>
        <source>yes, %1 steps</source>
        <translation>да, шагов: %1</translation>
    </message>
    <message>
        <source>no: too few disliked answers</source>
        <translation>нет: мало непонравившихся ответов</translation>
    </message>
    <message>
        <source>%1 duplicates</source>
        <translation>повторов: %1</translation>
    </message>
    <message>
        <source>%1 empty</source>
        <translation>пустых: %1</translation>
    </message>
    <message>
        <source>%1 too long</source>
        <translation>слишком длинных: %1</translation>
    </message>
    <message>
        <source>%1 with mixed-up roles</source>
        <translation>с перепутанными ролями: %1</translation>
    </message>
    <message>
        <source>nothing</source>
        <translation>ничего</translation>
    </message>
    <message>
        <source>English</source>
        <translation>английский</translation>
    </message>
    <message>
        <source>Russian</source>
        <translation>русский</translation>
    </message>
    <message>
        <source>Sova answers with a server now; training and adapters are for the local model.</source>
        <translation>Сейчас Сова отвечает через сервер; обучение и адаптеры относятся к локальной модели.</translation>
    </message>
    <message>
        <source>Ready to start: %1 rated answers so far.</source>
        <translation>Можно начинать. Оценённых ответов: %1.</translation>
    </message>
    <message>
        <source>Stopping…</source>
        <translation>Останавливается…</translation>
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
        <source>Go on training</source>
        <translation>Продолжить обучение</translation>
    </message>
    <message>
        <source>Stop the training process where it is until you resume it</source>
        <translation>Приостановить обучение на текущем шаге, пока вы его не продолжите</translation>
    </message>
</context>
<context>
    <name>TrainingTrigger</name>
    <message>
        <source>Sova started training on your ratings in the background; it keeps answering meanwhile.</source>
        <translation>Сова начала обучение на ваших оценках в фоне и тем временем продолжает отвечать.</translation>
    </message>
    <message>
        <source>Sova could not start training: %1</source>
        <translation>Сова не смогла начать обучение: %1</translation>
    </message>
</context>
<context>
    <name>TrainingWords</name>
    <message>
        <source>Starting…</source>
        <translation>Запуск…</translation>
    </message>
    <message>
        <source>Loading the model…</source>
        <translation>Загрузка модели…</translation>
    </message>
    <message>
        <source>Measuring the model before training…</source>
        <translation>Замер модели до обучения…</translation>
    </message>
    <message>
        <source>Preparing the preference step…</source>
        <translation>Подготовка этапа предпочтений…</translation>
    </message>
    <message>
        <source>Checking the new adapter on held-out answers…</source>
        <translation>Проверка нового адаптера на отложенных ответах…</translation>
    </message>
    <message>
        <source>Saving the adapter…</source>
        <translation>Сохранение адаптера…</translation>
    </message>
    <message>
        <source>Finishing…</source>
        <translation>Завершение…</translation>
    </message>
    <message>
        <source>Learning from your answers: step %1 of %2</source>
        <translation>Обучение на ваших ответах: шаг %1 из %2</translation>
    </message>
    <message>
        <source>Learning what to avoid: step %1 of %2</source>
        <translation>Обучение тому, чего избегать: шаг %1 из %2</translation>
    </message>
    <message>
        <source>Less than a minute left</source>
        <translation>Осталось меньше минуты</translation>
    </message>
    <message>
        <source>About %1 min left</source>
        <translation>Осталось около %1 мин</translation>
    </message>
    <message>
        <source>About %1 h left</source>
        <translation>Осталось около %1 ч</translation>
    </message>
    <message>
        <source>Paused while Sova answers</source>
        <translation>Пауза, пока Сова отвечает</translation>
    </message>
    <message>
        <source>Paused</source>
        <translation>Пауза</translation>
    </message>
    <message>
        <source>resumed at step %1</source>
        <translation>продолжено с шага %1</translation>
    </message>
    <message>
        <source>Too few rated answers to learn from: %1 of the %2 examples needed. Rate at least %3 more answers with %4 ★ or more (or write a better answer under a bad one).</source>
        <translation>Пока мало оценённых ответов для обучения: примеров %1 из нужных %2. Поставьте оценку %4 ★ или выше ещё нескольким ответам — не меньше чем %3 (или напишите свой вариант под неудачным ответом).</translation>
    </message>
    <message>
        <source>The training pack is not installed (the Python module “%1” is missing). Install Sova’s training extras to train on this computer.</source>
        <translation>Пакет для обучения не установлен (нет модуля Python «%1»). Установите дополнения Совы для обучения, чтобы обучать модель на этом компьютере.</translation>
    </message>
    <message>
        <source>The model to train is not ready yet: it is prepared the first time it loads. Ask one question, then come back.</source>
        <translation>Модель для обучения ещё не готова: она подготавливается при первой загрузке. Задайте один вопрос и вернитесь сюда.</translation>
    </message>
    <message>
        <source>This model cannot be trained on this computer. Choose one of the bundled models under Models.</source>
        <translation>Эту модель нельзя обучить на этом компьютере. Выберите одну из встроенных моделей в разделе «Модели».</translation>
    </message>
    <message>
        <source>Training is already running.</source>
        <translation>Обучение уже идёт.</translation>
    </message>
    <message>
        <source>The training pack is not installed (the Python module “%1” is missing).</source>
        <translation>Пакет для обучения не установлен (нет модуля Python «%1»).</translation>
    </message>
    <message>
        <source>Too few rated answers to learn from: %1 of the %2 examples needed.</source>
        <translation>Пока мало оценённых ответов для обучения: примеров %1 из нужных %2.</translation>
    </message>
    <message>
        <source>Training could not start: %1</source>
        <translation>Обучение не удалось начать: %1</translation>
    </message>
    <message>
        <source>adapter %1</source>
        <translation>адаптера %1</translation>
    </message>
    <message>
        <source>the base model</source>
        <translation>базовой модели</translation>
    </message>
    <message>
        <source>Liked answers became more likely: %1 → %2</source>
        <translation>Понравившиеся ответы стали вероятнее: %1 → %2</translation>
    </message>
    <message>
        <source>Liked answers did not become more likely: %1 → %2</source>
        <translation>Понравившиеся ответы не стали вероятнее: %1 → %2</translation>
    </message>
    <message>
        <source>Disliked answers became less likely: %1 → %2</source>
        <translation>Непонравившиеся ответы стали менее вероятны: %1 → %2</translation>
    </message>
    <message>
        <source>Disliked answers did not become less likely: %1 → %2</source>
        <translation>Непонравившиеся ответы не стали менее вероятны: %1 → %2</translation>
    </message>
    <message>
        <source>General answers kept within the tolerance of %3: %1 → %2</source>
        <translation>Общие ответы остались в пределах допуска %3: %1 → %2</translation>
    </message>
    <message>
        <source>General answers got worse by more than %3: %1 → %2</source>
        <translation>Общие ответы ухудшились больше чем на %3: %1 → %2</translation>
    </message>
    <message>
        <source>There were no held-out answers to check the adapter against.</source>
        <translation>Не было отложенных ответов, на которых можно проверить адаптер.</translation>
    </message>
    <message>
        <source>Compared with the adapter in use before.</source>
        <translation>Сравнение с адаптером, который работал до этого.</translation>
    </message>
    <message>
        <source>Compared with the base model.</source>
        <translation>Сравнение с базовой моделью.</translation>
    </message>
    <message>
        <source>Figures: mean log-likelihood per token of answers held out from training; higher means the model is more likely to answer that way.</source>
        <translation>Числа — среднее логарифмическое правдоподобие на токен для ответов, отложенных от обучения; чем выше, тем вероятнее модель ответит так же.</translation>
    </message>
    <message>
        <source>Training finished. Adapter %1 passed the check, and Sova now answers with it.</source>
        <translation>Обучение завершено. Адаптер %1 прошёл проверку, и теперь Сова отвечает с его помощью.</translation>
    </message>
    <message>
        <source>Training finished. Adapter %1 passed the check; select it under “Adapter versions” and press “Use” to answer with it.</source>
        <translation>Обучение завершено. Адаптер %1 прошёл проверку; чтобы отвечать с его помощью, выберите его в «Версиях адаптера» и нажмите «Использовать».</translation>
    </message>
    <message>
        <source>Training finished, but adapter %1 did not pass the check, so Sova keeps answering with %2. You can still try it: select it under “Adapter versions” and press “Use”.</source>
        <translation>Обучение завершено, но адаптер %1 не прошёл проверку, поэтому Сова по-прежнему отвечает с помощью %2. Его всё равно можно попробовать: выберите его в «Версиях адаптера» и нажмите «Использовать».</translation>
    </message>
    <message>
        <source>Training failed: %1. Nothing was changed; Sova keeps answering with %2.</source>
        <translation>Обучение не удалось: %1. Ничего не изменилось: Сова по-прежнему отвечает с помощью %2.</translation>
    </message>
    <message>
        <source>Training was cancelled. Nothing was changed.</source>
        <translation>Обучение отменено. Ничего не изменилось.</translation>
    </message>
    <message>
        <source>Training stopped at step %1 of %2. Resume it to continue from its last checkpoint, or discard it.</source>
        <translation>Обучение остановлено на шаге %1 из %2. Его можно продолжить с последней контрольной точки или отбросить.</translation>
    </message>
    <message>
        <source>A training run stopped before it finished. Resume it to continue from its last checkpoint, or discard it.</source>
        <translation>Обучение было прервано, не завершившись. Его можно продолжить с последней контрольной точки или отбросить.</translation>
    </message>
    <message>
        <source>Answers are rated lower lately: average %1 ★, %2% satisfied, %3% negative over the last %4 rated answers.</source>
        <translation>В последнее время ответы оцениваются ниже: по последним оценённым ответам (%4): средняя оценка %1 ★, довольных %2%, негативных %3%.</translation>
    </message>
</context>
<context>
    <name>VersionsBox</name>
    <message>
        <source>Version</source>
        <translation>Версия</translation>
    </message>
    <message>
        <source>Trained</source>
        <translation>Обучена</translation>
    </message>
    <message>
        <source>Examples</source>
        <translation>Примеры</translation>
    </message>
    <message>
        <source>Answers it learned from</source>
        <translation>На скольких ответах учился адаптер</translation>
    </message>
    <message>
        <source>Steps</source>
        <translation>Шаги</translation>
    </message>
    <message>
        <source>Training steps (supervised + preference)</source>
        <translation>Шаги обучения (на примерах + предпочтения)</translation>
    </message>
    <message>
        <source>Liked answers</source>
        <translation>Понравившиеся</translation>
    </message>
    <message>
        <source>How likely held-out liked answers are, before → after (mean log-likelihood per token; higher is better)</source>
        <translation>Насколько вероятны отложенные понравившиеся ответы, до → после (среднее логарифмическое правдоподобие на токен; чем выше, тем лучше)</translation>
    </message>
    <message>
        <source>Disliked answers</source>
        <translation>Непонравившиеся</translation>
    </message>
    <message>
        <source>How likely held-out disliked answers are, before → after (lower is better)</source>
        <translation>Насколько вероятны отложенные непонравившиеся ответы, до → после (чем ниже, тем лучше)</translation>
    </message>
    <message>
        <source>General answers</source>
        <translation>Общие ответы</translation>
    </message>
    <message>
        <source>How likely reference answers to general questions are, before → after (should not fall)</source>
        <translation>Насколько вероятны эталонные ответы на общие вопросы, до → после (не должно падать)</translation>
    </message>
    <message>
        <source>Check</source>
        <translation>Проверка</translation>
    </message>
    <message>
        <source>Whether the adapter passed the check after training</source>
        <translation>Прошёл ли адаптер проверку после обучения</translation>
    </message>
    <message>
        <source>In use</source>
        <translation>Используется</translation>
    </message>
    <message>
        <source>Use</source>
        <translation>Использовать</translation>
    </message>
    <message>
        <source>Answer with the selected adapter from the next answer on</source>
        <translation>Отвечать с выбранным адаптером, начиная со следующего ответа</translation>
    </message>
    <message>
        <source>Use base model</source>
        <translation>Базовая модель</translation>
    </message>
    <message>
        <source>Answer without an adapter, as before any training</source>
        <translation>Отвечать без адаптера, как до всякого обучения</translation>
    </message>
    <message>
        <source>Roll back</source>
        <translation>Откатить</translation>
    </message>
    <message>
        <source>Go back to what Sova answered with before the current adapter</source>
        <translation>Вернуться к тому, с чем Сова отвечала до текущего адаптера</translation>
    </message>
    <message>
        <source>No adapters yet. Each training run adds a version here, with its figures, whether it passed the check or not.</source>
        <translation>Адаптеров пока нет. Каждое обучение добавляет сюда версию с её показателями — прошла она проверку или нет.</translation>
    </message>
    <message>
        <source>liked answers did not become more likely</source>
        <translation>понравившиеся ответы не стали вероятнее</translation>
    </message>
    <message>
        <source>disliked answers did not become less likely</source>
        <translation>непонравившиеся ответы не стали менее вероятны</translation>
    </message>
    <message>
        <source>general answers got worse</source>
        <translation>общие ответы ухудшились</translation>
    </message>
    <message>
        <source>no held-out answers to check against</source>
        <translation>нет отложенных ответов для проверки</translation>
    </message>
    <message>
        <source>passed</source>
        <translation>пройдена</translation>
    </message>
    <message>
        <source>failed</source>
        <translation>не пройдена</translation>
    </message>
    <message>
        <source>Took %1 min</source>
        <translation>Заняло %1 мин</translation>
    </message>
    <message>
        <source>in use</source>
        <translation>используется</translation>
    </message>
    <message>
        <source>Rolled back from %1: Sova now answers with %2.</source>
        <translation>Откат с %1: теперь Сова отвечает с помощью %2.</translation>
    </message>
    <message>
        <source>Sova now answers with %2.</source>
        <translation>Теперь Сова отвечает с помощью %2.</translation>
    </message>
    <message>
        <source>Sova already answers with %2.</source>
        <translation>Сова уже отвечает с помощью %2.</translation>
    </message>
    <message>
        <source>Adapter %1 is gone from the disk</source>
        <translation>Адаптера %1 больше нет на диске</translation>
    </message>
    <message>
        <source>Adapter %1 is damaged (its file is missing)</source>
        <translation>Адаптер %1 повреждён (нет его файла)</translation>
    </message>
    <message>
        <source>There is nothing to roll back to</source>
        <translation>Откатываться некуда</translation>
    </message>
    <message>
        <source>It did not work: %1</source>
        <translation>Не получилось: %1</translation>
    </message>
    <message>
        <source>%1. Sova keeps answering with %2.</source>
        <translation>%1. Сова по-прежнему отвечает с помощью %2.</translation>
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
<context>
    <name>_Tile</name>
    <message>
        <source>Remove this picture</source>
        <translation>Убрать эту картинку</translation>
    </message>
</context>
</TS>
