"""The one catalog of finding codes: code → level → how to fix it → the Spanish message(s) that report it.

To add a check: declare its code here (`code(...)` with the fix) and its message, then call
`findings.add(line, THE_MESSAGE, field=value)` in the check. Tests fail when a code has no fix text, when a
message is never used, or when a code string appears anywhere else in the package. `validar_datos.py explicar
CODIGO` prints the entry.
"""

from __future__ import annotations

from string import Template

from datacheck.findings import ERROR, WARNING, Code, Message

CODES: dict[str, Code] = {}


def code(name: str, level: str, fix: str) -> Code:
    """Declare a finding code; each code is declared once."""
    if name in CODES:
        raise ValueError(f"finding code declared twice: {name}")
    CODES[name] = entry = Code(name, level, fix)
    return entry


def messages_of(entry: Code) -> list[Message]:
    """The messages of a code, in the order this catalog declares them."""
    return [value for value in globals().values() if isinstance(value, Message) and value.code is entry]


# Words a message puts around the user's values.
SHEET_ROW = Template(" (fila ${row} de la hoja)")  # after "la fila"/"la celda X" when a cell spans lines
IN_PART = Template("en ${part}, ")  # before a message about a part of a preference line ("en input, …")
SEPARATOR_NAMES = {",": "comas", ";": "punto y coma", "\t": "tabuladores"}
NO_COLUMNS = "ninguna"
_CALL_SHAPE = '[{"id": "llamada_1", "type": "function", "function": {"name": "…", "arguments": "{…}"}}]'
_ARGUMENTS_EXAMPLE = '"{\\"ciudad\\": \\"Lima\\"}"'
_EXPORT = "«CSV UTF-8 (delimitado por comas)»"

# --- the file as text -----------------------------------------------------------------------------------

UTF16 = code("utf16", ERROR, "Guarda el archivo con codificación UTF-8 (en el Bloc de notas: Guardar como → "
             "Codificación: UTF-8).").message(
    "el archivo está guardado en UTF-16 («Unicode» en el Bloc de notas de Windows); guárdalo como UTF-8")
_BINARY = code("archivo-binario", ERROR, f"Elige el archivo de texto correcto; desde una hoja de cálculo, "
               f"expórtalo como {_EXPORT}.")
BINARY_XLSX = _BINARY.message(f"el archivo es un Excel (.xlsx) o un ZIP, no texto; en la hoja de cálculo usa Guardar "
                              f"como → {_EXPORT}, o descomprímelo")
BINARY_XLS = _BINARY.message(f"el archivo es un Excel antiguo (.xls), no texto; en Excel usa Guardar como → {_EXPORT}")
BINARY_PDF = _BINARY.message("el archivo es un PDF, no texto; copia los ejemplos a un archivo .jsonl o .csv")
BINARY_NUL = _BINARY.message("el archivo tiene bytes nulos: parece un archivo binario (imagen, documento, "
                             "programa), no texto; revisa que elegiste el archivo correcto")
_LONG = code("linea-muy-larga", ERROR, "Pon cada ejemplo (o cada fila) en su propia línea; una línea de megabytes "
             "indica un archivo sin saltos de línea o de otro formato.")
LONG_JSONL_LINE = _LONG.message("la línea mide más de ${size}; ningún ejemplo es tan largo: revisa que cada ejemplo "
                                "esté en su propia línea")
LONG_CSV_LINE = _LONG.message("la línea mide más de ${size}; revisa que el archivo sea un CSV")
BOM = code("bom", WARNING, "Guarda el archivo como «UTF-8» sin BOM (en el Bloc de notas: Codificación: UTF-8, no "
           "«UTF-8 con BOM»).").message(
    "el archivo empieza con una marca BOM (UTF-8 con BOM); la ignoré, pero algunas plataformas rechazan el "
    "archivo: guárdalo como «UTF-8» sin BOM")
_BLANK = code("linea-vacia", WARNING, "Borra las líneas vacías.")
BLANK_JSONL_LINE = _BLANK.message("la línea está vacía; bórrala (algunas plataformas la rechazan)")
BLANK_BEFORE_HEADER = _BLANK.message("la línea está vacía; bórrala (el encabezado debe ir en la primera línea)")
BLANK_CSV_LINE = _BLANK.message("la línea está vacía; bórrala")
UTF8 = code("utf8-invalido", ERROR, "Guarda el archivo con codificación UTF-8 (en el Bloc de notas: Guardar como → "
            "Codificación: UTF-8).").message(
    "la línea no es texto UTF-8 válido (byte 0x${byte} en la posición ${position}); guarda el archivo con "
    "codificación UTF-8 (en el Bloc de notas: Guardar como → Codificación: UTF-8)")
CP1252 = code("codificacion", WARNING, f"En Excel usa Guardar como → {_EXPORT}; Google Sheets ya descarga en "
              "UTF-8.").message(
    "el archivo no está en UTF-8 (desde esta línea parece Windows-1252/Latin-1, como lo guarda Excel con «CSV "
    "(delimitado por comas)»); lo leí igual, pero las plataformas pueden mostrar mal las tildes y eñes: en Excel usa "
    f"Guardar como → {_EXPORT}; Google Sheets ya descarga en UTF-8")

# --- JSON lines -----------------------------------------------------------------------------------------

_JSON = code("json-invalido", ERROR, "Corrige la sintaxis de la línea: claves y textos entre comillas dobles, "
             "comas entre elementos, llaves y corchetes cerrados, un ejemplo por línea.")
_BAD = "la línea no es JSON válido (columna ${column}): "
JSON_KEY_QUOTES = _JSON.message(_BAD + "las claves van entre comillas dobles (\"role\", no 'role' ni role) y no puede "
                                "quedar una coma antes de }")
JSON_COMMA = _JSON.message(_BAD + "falta una coma entre dos elementos, o hay comillas dobles dentro de un texto sin "
                           'escapar (escríbelas \\")')
JSON_COLON = _JSON.message(_BAD + "falta el signo : entre una clave y su valor")
JSON_VALUE = _JSON.message(_BAD + "falta un valor o sobra una coma; si usaste comillas simples ('), cámbialas por "
                           'dobles (")')
JSON_UNTERMINATED = _JSON.message(_BAD + 'un texto abre comillas y no las cierra; revisa que cada texto termine en " y '
                                  "que la línea no esté cortada")
JSON_CONTROL = _JSON.message(_BAD + "hay un salto de línea o un tabulador dentro de un texto; escríbelo como \\n o \\t")
JSON_UNICODE_ESCAPE = _JSON.message(_BAD + "hay un \\u sin cuatro dígitos hexadecimales; escribe la letra tal cual")
JSON_ESCAPE = _JSON.message(_BAD + "hay una barra invertida \\ suelta dentro de un texto; escríbela doble (\\\\)")
JSON_EXTRA = _JSON.message(_BAD + "después del objeto hay más texto; pon un solo ejemplo por línea")
JSON_OTHER = _JSON.message("la línea no es JSON válido (columna ${column}); revisa comillas, comas y llaves")
JSON_PLAIN = _JSON.message("la línea no es JSON válido; revisa comillas, comas y llaves")
JSON_BIG_NUMBER = _JSON.message("la línea no es JSON válido (un número demasiado largo); escribe el valor entre "
                                "comillas")
JSON_NONSTANDARD = code("json-no-estandar", ERROR, "Cambia NaN o Infinity por un número o por un texto entre "
                        "comillas.").message(
    "la línea usa ${name}, que no es JSON estándar; escribe un número o un texto entre comillas")
JSON_NESTED = code("json-anidado", ERROR, "Revisa la línea: tiene listas u objetos anidados cientos de veces, algo "
                   "que un ejemplo normal no tiene.").message(
    "el JSON está anidado demasiado hondo (listas u objetos unos dentro de otros cientos de veces); un ejemplo "
    "normal no lo necesita: revisa la línea")
JSON_ARRAY = code("arreglo-json", ERROR, "Quita los corchetes del principio y del final y pon cada objeto en su "
                  "propia línea, sin comas entre líneas.").message(
    "el archivo es un arreglo JSON ([ … ]), no JSONL: JSONL lleva un ejemplo {…} por línea, sin corchetes ni comas "
    "entre líneas; quita los corchetes y pon cada objeto en su propia línea")
JSON_MULTILINE = code("json-multilinea", ERROR, "Escribe cada ejemplo completo en una sola línea (sin sangría ni "
                      "saltos de línea dentro del ejemplo).").message(
    "el ejemplo ocupa varias líneas (JSON con sangría); en JSONL cada ejemplo va completo en una sola línea: quita "
    "los saltos de línea dentro de cada ejemplo")

# --- one example: its keys ------------------------------------------------------------------------------

_NOT_OBJECT = code("no-es-objeto", ERROR, "Cada línea debe ser un objeto JSON entre llaves {…} con las claves del "
                   "formato.")
NOT_OBJECT_CHAT = _NOT_OBJECT.message('la línea es ${kind}, no un objeto; cada línea debe ser un objeto '
                                      '{"messages": [...]}')
NOT_OBJECT_PREFERENCE = _NOT_OBJECT.message(
    'la línea es ${kind}, no un objeto; cada línea debe ser un objeto {"input": {"messages": [...]}, '
    '"preferred_output": [...], "non_preferred_output": [...]}')
_NO_MESSAGES = code("messages-falta", ERROR, 'Pon los mensajes del ejemplo en la clave "messages" (en inglés).')
MESSAGES_IN_SPANISH = _NO_MESSAGES.message('la clave se llama "mensajes"; renómbrala a "messages" (las claves van en '
                                           'inglés)')
MESSAGES_MISSING = _NO_MESSAGES.message(
    'falta la clave "messages"; cada línea debe ser {"messages": [{"role": "user", "content": "…"}, '
    '{"role": "assistant", "content": "…"}]}')
OLD_FORMAT = code("formato-antiguo", ERROR, 'Pasa "prompt" a un mensaje user y "completion" a un mensaje '
                  'assistant dentro de "messages".').message(
    'esta línea usa el formato antiguo prompt/completion; los modelos de chat usan {"messages": [...]}: pasa '
    '"prompt" a un mensaje user y "completion" a uno assistant')
_MIXED = code("formato-mezclado", ERROR, "Pon los ejemplos de chat y los de preferencias en archivos distintos.")
PREFERENCE_IN_CHAT = _MIXED.message("esta línea tiene formato de preferencias (input, preferred_output), pero el "
                                    "archivo es de chat; pon cada formato en su propio archivo")
CHAT_IN_PREFERENCE = _MIXED.message("esta línea tiene formato de chat (messages), pero el archivo es de preferencias; "
                                    "pon cada formato en su propio archivo")
EXAMPLE_KEY = code("clave-desconocida-ejemplo", WARNING, "Quita del ejemplo las claves que no son parte del "
                   "formato.").message(
    "${where}la clave ${key} no es parte del formato (${names}); la plataforma puede ignorarla o rechazar el "
    "archivo: quítala")

# --- the list of messages and each message ---------------------------------------------------------------

MESSAGES_NOT_LIST = code("messages-no-lista", ERROR, 'Escribe los mensajes como una lista entre corchetes: '
                         '[{"role": …, "content": …}, …].').message(
    '${where}"${key}" es ${kind}; debe ser una lista de mensajes entre corchetes: [{"role": …, "content": …}, …]')
MESSAGES_EMPTY = code("messages-vacio", ERROR, "Agrega al menos un mensaje user y la respuesta assistant.").message(
    '${where}"${key}" está vacío; agrega al menos un mensaje user y la respuesta assistant')
MESSAGE_NOT_OBJECT = code("mensaje-no-objeto", ERROR, 'Escribe cada mensaje como un objeto {"role": …, "content": '
                          '…}.').message(
    '${where}el mensaje ${i} es ${kind}; cada mensaje debe ser un objeto {"role": …, "content": …}')
_KEY = code("clave-desconocida", ERROR, "Usa solo las claves role, content, name, weight, tool_calls, tool_call_id "
            "o function_call (en inglés).")
MESSAGE_KEY_HINT = _KEY.message('${where}el mensaje ${i} tiene la clave ${key}, que no se permite; ¿quisiste decir '
                                '"${hint}"?')
MESSAGE_KEY = _KEY.message("${where}el mensaje ${i} tiene la clave ${key}, que no se permite; usa solo role, content, "
                           "name, weight, tool_calls, tool_call_id o function_call")
ROLE_MISSING = code("rol-falta", ERROR, 'Agrega "role" a cada mensaje: "system", "user" o "assistant".').message(
    '${where}el mensaje ${i} no tiene "role"; agrega "role": "system", "user" o "assistant"')
ROLE_INVALID = code("rol-invalido", ERROR, "Usa los roles en inglés: system, user o assistant (tool y function "
                    "solo con herramientas).").message(
    "${where}el mensaje ${i} tiene el rol ${role}; usa system, user o assistant")
NAME_INVALID = code("name-invalido", ERROR, 'Escribe "name" como un texto no vacío, o quítalo.').message(
    '${where}el "name" del mensaje ${i} es ${value}; debe ser un texto no vacío (por ejemplo "ana") o quítalo')
NAME_MISSING = code("name-falta", ERROR, 'Agrega "name" con el nombre de la función a los mensajes con rol '
                    'function.').message(
    '${where}el mensaje ${i} tiene rol function pero no "name"; agrega el nombre de la función')
WEIGHT_ROLE = code("weight-rol", ERROR, 'Deja "weight" solo en mensajes assistant.').message(
    '${where}el mensaje ${i} (rol ${role}) tiene "weight"; solo los mensajes assistant llevan weight: quítalo')
WEIGHT_INVALID = code("weight-invalido", ERROR, 'Usa "weight": 0 (no entrenar con el mensaje) o 1 (entrenar con '
                      'él), sin comillas.').message(
    '${where}el "weight" del mensaje ${i} es ${value}; usa 0 (no entrenar con este mensaje) o 1 (entrenar con él)')
CONTENT_MISSING = code("contenido-falta", ERROR, 'Agrega el texto de cada mensaje en "content".').message(
    '${where}el mensaje ${i} no tiene "content"; agrega el texto del mensaje en "content"')
CONTENT_EMPTY = code("contenido-vacio", ERROR, "Escribe el texto del mensaje o borra el mensaje.").message(
    '${where}el mensaje ${i} tiene el "content" vacío; escribe el texto o borra el mensaje')
CONTENT_NULL = code("contenido-nulo", ERROR, 'Escribe el texto del mensaje en "content"; solo un mensaje assistant '
                    'con tool_calls puede ir sin texto.').message(
    '${where}el mensaje ${i} tiene "content": null; escribe el texto del mensaje (solo un mensaje assistant con '
    'tool_calls puede ir sin texto)')
CONTENT_NOT_TEXT = code("contenido-no-texto", ERROR, 'Escribe "content" como un texto entre comillas.').message(
    '${where}el "content" del mensaje ${i} es ${kind}; debe ser un texto entre comillas')
PART_IMAGE = code("parte-imagen", WARNING, "Revisa que la plataforma acepte imágenes; si no, quita la parte "
                  "image_url.").message(
    "${where}la parte ${j} del mensaje ${i} es una imagen (image_url); no la reviso ni cuento sus tokens, y no todas "
    "las plataformas aceptan imágenes")
PART_INVALID = code("contenido-partes", ERROR, 'Escribe cada parte del "content" como {"type": "text", "text": '
                    '"…"}.').message(
    '${where}la parte ${j} del "content" del mensaje ${i} no es válida; cada parte debe ser {"type": "text", '
    '"text": "…"}')

# --- tool calls and tool definitions ---------------------------------------------------------------------

TOOL_CALLS_ROLE = code("tool-calls-rol", ERROR, 'Mueve "tool_calls" a un mensaje assistant.').message(
    '${where}el mensaje ${i} (rol ${role}) tiene "tool_calls"; solo los mensajes assistant llaman herramientas: '
    'muévelo a un mensaje assistant')
FUNCTION_CALL_ROLE = code("function-call-rol", ERROR, 'Mueve "function_call" a un mensaje assistant.').message(
    '${where}el mensaje ${i} (rol ${role}) tiene "function_call"; solo los mensajes assistant llaman funciones')
TOOL_CALL_ID_ROLE = code("tool-call-id-rol", ERROR, 'Deja "tool_call_id" solo en mensajes con rol tool.').message(
    '${where}el mensaje ${i} (rol ${role}) tiene "tool_call_id"; esa clave solo va en mensajes con rol tool: '
    'quítala')
_CALL_ID = code("tool-call-id-falta", ERROR, 'Copia en "tool_call_id" el "id" de la llamada (tool_calls) que el '
                'mensaje tool responde.')
TOOL_CALL_ID_INVALID = _CALL_ID.message('${where}el "tool_call_id" del mensaje ${i} es ${value}; copia ahí el "id" '
                                        'de la llamada (tool_calls) que este mensaje responde')
TOOL_CALL_ID_MISSING = _CALL_ID.message('${where}el mensaje ${i} tiene rol tool pero no "tool_call_id"; copia ahí el '
                                        '"id" de la llamada (tool_calls) que este mensaje responde')
TOOL_CALL_ID_UNKNOWN = code("tool-call-id-desconocido", WARNING, 'Haz que "tool_call_id" coincida con el "id" de '
                            'una llamada anterior del mismo ejemplo.').message(
    '${where}el mensaje ${i} responde a la llamada ${value}, pero ningún mensaje assistant anterior hizo una llamada '
    'con ese "id"; revisa que coincidan')
_CALLS = code("tool-calls-invalido", ERROR, f"Escribe tool_calls como {_CALL_SHAPE}.")
TOOL_CALLS_EMPTY = _CALLS.message('${where}el "tool_calls" del mensaje ${i} es una lista vacía; debe ser una lista de '
                                  f"llamadas: {_CALL_SHAPE}")
TOOL_CALLS_NOT_LIST = _CALLS.message('${where}el "tool_calls" del mensaje ${i} es ${kind}; debe ser una lista de '
                                     f"llamadas: {_CALL_SHAPE}")
TOOL_CALL_NOT_OBJECT = _CALLS.message(f"${{where}}la llamada ${{j}} del mensaje ${{i}} es ${{kind}}; debe ser un "
                                      f"objeto: {_CALL_SHAPE}")
TOOL_CALL_NO_ID = _CALLS.message('${where}la llamada ${j} del mensaje ${i} no tiene "id" (un texto único, por ejemplo '
                                 '"llamada_1"); agrégalo')
TOOL_CALL_TYPE = _CALLS.message('${where}la llamada ${j} del mensaje ${i} tiene "type": ${value}; debe ser '
                                '"function"')
TOOL_CALL_NO_FUNCTION = _CALLS.message(f'${{where}}la llamada ${{j}} del mensaje ${{i}} no tiene "function" con '
                                       f'"name" y "arguments"; agrégalo: {_CALL_SHAPE}')
TOOL_CALL_NO_NAME = _CALLS.message('${where}la llamada ${j} del mensaje ${i} no tiene "name" (el nombre de la '
                                   'función); agrégalo')
_TOOL_ARGS = code("tool-arguments-invalido", ERROR, 'Escribe "arguments" como un texto con un objeto JSON adentro, '
                  f"por ejemplo {_ARGUMENTS_EXAMPLE}.")
TOOL_ARGUMENTS_NOT_TEXT = _TOOL_ARGS.message(
    '${where}en la llamada ${j} del mensaje ${i}, "arguments" es ${kind}; debe ser un texto con un objeto JSON '
    f"adentro, por ejemplo {_ARGUMENTS_EXAMPLE}")
TOOL_ARGUMENTS_NOT_OBJECT = _TOOL_ARGS.message(
    '${where}en la llamada ${j} del mensaje ${i}, "arguments" no es un objeto JSON válido; escribe un objeto JSON '
    f"dentro del texto, por ejemplo {_ARGUMENTS_EXAMPLE}")
_FUNCTION_CALL = code("function-call-invalido", ERROR, 'Escribe function_call como {"name": "…", "arguments": '
                      '"{…}"}.')
FUNCTION_CALL_NOT_OBJECT = _FUNCTION_CALL.message(
    '${where}el "function_call" del mensaje ${i} es ${kind}; debe ser {"name": "…", "arguments": "{…}"}')
FUNCTION_CALL_NO_NAME = _FUNCTION_CALL.message('${where}el "function_call" del mensaje ${i} no tiene "name" (el '
                                               'nombre de la función); agrégalo')
_FUNCTION_ARGS = code("function-arguments-invalido", ERROR, 'Escribe "arguments" como un texto con un objeto JSON '
                      f"adentro, por ejemplo {_ARGUMENTS_EXAMPLE}.")
FUNCTION_ARGUMENTS_NOT_TEXT = _FUNCTION_ARGS.message(
    '${where}en el "function_call" del mensaje ${i}, "arguments" es ${kind}; debe ser un texto con un objeto JSON '
    f"adentro, por ejemplo {_ARGUMENTS_EXAMPLE}")
FUNCTION_ARGUMENTS_NOT_OBJECT = _FUNCTION_ARGS.message(
    '${where}en el "function_call" del mensaje ${i}, "arguments" no es un objeto JSON válido; escribe un objeto '
    f"JSON dentro del texto, por ejemplo {_ARGUMENTS_EXAMPLE}")
_TOOLS = code("tools-invalido", ERROR, 'Define "tools" como [{"type": "function", "function": {"name": "…", '
              '"description": "…", "parameters": {…}}}].')
TOOLS_NOT_LIST = _TOOLS.message('${where}"tools" es ${kind}; debe ser una lista de herramientas [{"type": '
                                '"function", "function": {"name": "…", "parameters": {…}}}]')
TOOL_INVALID = _TOOLS.message('${where}la herramienta ${j} de "tools" no es válida; debe ser {"type": "function", '
                              '"function": {"name": "…", "description": "…", "parameters": {…}}}')
TOOL_NO_NAME = _TOOLS.message('${where}la herramienta ${j} de "tools" no tiene "name"; agrega el nombre de la función')
TOOL_PARAMETERS = _TOOLS.message('${where}la herramienta ${j} de "tools" tiene "parameters" que es ${kind}; debe ser '
                                 'un objeto JSON Schema {"type": "object", "properties": {…}}')
FUNCTIONS_NOT_LIST = _TOOLS.message('${where}"functions" es ${kind}; debe ser una lista de funciones [{"name": "…", '
                                    '"parameters": {…}}]')
FUNCTION_NOT_OBJECT = _TOOLS.message('${where}la función ${j} de "functions" es ${kind}; debe ser {"name": "…", '
                                     '"parameters": {…}}')
FUNCTION_NO_NAME = _TOOLS.message('${where}la función ${j} de "functions" no tiene "name"; agrega el nombre de la '
                                  'función')
FUNCTION_PARAMETERS = _TOOLS.message('${where}la función ${j} de "functions" tiene "parameters" que es ${kind}; debe '
                                     'ser un objeto JSON Schema {"type": "object", "properties": {…}}')
PARALLEL_TOOL_CALLS = code("parallel-tool-calls-invalido", ERROR, 'Escribe "parallel_tool_calls" como true o '
                           'false, sin comillas.').message(
    '${where}"parallel_tool_calls" es ${value}; debe ser true o false (sin comillas)')
TOOLS_MISSING = code("tools-falta", WARNING, 'Agrega al ejemplo la lista "tools" con la definición de cada función '
                     'que se llama.').message(
    'el ejemplo tiene llamadas a herramientas pero no define "tools"; agrega al ejemplo la lista "tools" con la '
    'definición de cada función que se llama')

# --- one example as a whole ------------------------------------------------------------------------------

NO_ASSISTANT = code("sin-asistente", ERROR, 'Agrega la respuesta que el modelo debe aprender, con "role": '
                    '"assistant".').message(
    'el ejemplo no tiene ningún mensaje assistant; agrega la respuesta que el modelo debe aprender con "role": '
    '"assistant"')
LAST_NOT_ASSISTANT = code("ultimo-no-asistente", WARNING, "Termina cada ejemplo con la respuesta assistant.").message(
    "el último mensaje es de ${role}, no de assistant; el modelo aprende de las respuestas del asistente: termina el "
    "ejemplo con la respuesta assistant")
NO_USER = code("sin-user", WARNING, "Agrega el mensaje user (la pregunta o el pedido) antes de la respuesta.").message(
    "el ejemplo no tiene mensaje user; agrega la pregunta o el pedido del usuario antes de la respuesta")
NO_WEIGHT = code("sin-peso", WARNING, 'Pon "weight": 1 en la respuesta assistant que quieres entrenar.').message(
    'todos los mensajes assistant tienen "weight": 0, así que el ejemplo no enseña nada; pon "weight": 1 en la '
    'respuesta que quieres entrenar')
_NO_SYSTEM = code("sin-system", WARNING, "Usa el mismo mensaje system (quién es el asistente, su tono, qué no debe "
                  "hacer) en todos los ejemplos.")
NO_SYSTEM_ANY = _NO_SYSTEM.message(
    "ningún ejemplo tiene mensaje system; es opcional, pero un mismo mensaje system en todos (quién es el asistente, "
    "su tono, qué no debe hacer) ayuda a que el modelo aprenda el estilo")
NO_SYSTEM_SOME = _NO_SYSTEM.message("el ejemplo no tiene mensaje system y otros ejemplos sí; usa el mismo mensaje "
                                    "system en todos")
TOO_LONG = code("muy-largo", WARNING, "Acorta el ejemplo o divídelo en varios: lo que pase del límite se trunca al "
                "entrenar.").message(
    "el ejemplo tiene unos ${tokens} tokens, más que el límite de ${limit}: se truncará al entrenar; acórtalo o "
    "divídelo en varios ejemplos")
_DUPLICATE = code("duplicado", WARNING, "Borra una de las dos copias.")
DUPLICATE_EXAMPLE = _DUPLICATE.message("este ejemplo repite el de la línea ${first}; borra uno de los dos")
DUPLICATE_TEXT = _DUPLICATE.message("este texto repite el de la línea ${first}; borra uno de los dos")
_OVERLAP = code("superposicion", ERROR, "Quita el ejemplo de uno de los dos archivos: la validación debe tener "
                "ejemplos que el modelo no vio.")
OVERLAP_EXAMPLE = _OVERLAP.message(
    "este ejemplo también está en el archivo de entrenamiento (${train}, línea ${train_line}); quítalo de uno de los "
    "dos: la validación debe tener ejemplos que el modelo no vio")
OVERLAP_TEXT = _OVERLAP.message(
    "este texto también está en el archivo de entrenamiento (${train}, línea ${train_line}); quítalo de uno de los "
    "dos: la validación debe tener textos que el modelo no vio")

# --- the file as a whole ---------------------------------------------------------------------------------

_EMPTY = code("archivo-vacio", ERROR, "Escribe los ejemplos: uno por línea en un JSONL, o el encabezado y una fila "
              "por ejemplo en un CSV.")
EMPTY_JSONL = _EMPTY.message("el archivo está vacío; escribe un ejemplo por línea (al menos 10)")
EMPTY_CSV = _EMPTY.message("el archivo está vacío; la primera fila debe ser el encabezado ${text_column},"
                           "${label_column} y después una fila por ejemplo")
EMPTY_SHEET = _EMPTY.message("el archivo está vacío; la primera fila debe ser el encabezado sistema,pregunta,"
                             "respuesta y después una fila por ejemplo")
_TOO_FEW = code("menos-de-10", ERROR, "Agrega ejemplos: OpenAI exige al menos 10, y un clasificador necesita varias "
                "decenas por clase.")
TOO_FEW_EXAMPLES = _TOO_FEW.message("el archivo tiene ${examples}; OpenAI exige al menos ${minimum}: agrega más")
TOO_FEW_ROWS = _TOO_FEW.message("el archivo tiene ${rows} de ejemplos; para entrenar un clasificador hacen falta al "
                                "menos ${minimum} (mejor varias decenas por clase): agrega más")
FEW_EXAMPLES = code("menos-de-50", WARNING, "Para entrenar de verdad, apunta a unos 50 ejemplos bien hechos (las "
                    "mejoras suelen verse con 50 a 100).").message(
    "el archivo tiene ${examples} ejemplos; alcanza para probar, pero OpenAI recomienda empezar con unos "
    "${recommended} ejemplos bien hechos (las mejoras suelen verse con 50 a 100)")

# --- preference (DPO) lines ------------------------------------------------------------------------------

INPUT_INVALID = code("input-invalido", ERROR, 'Pon los mensajes de entrada en {"input": {"messages": [...]}}.').message(
    'falta "input" con los mensajes de entrada; cada línea debe ser {"input": {"messages": [...]}, '
    '"preferred_output": [...], "non_preferred_output": [...]}')
LAST_NOT_USER = code("ultimo-no-usuario", WARNING, "Termina input con el mensaje del usuario.").message(
    "en input, el último mensaje es de ${role}, no de user; las respuestas preferida y no preferida continúan la "
    "conversación: termina input con el mensaje del usuario")
OUTPUT_MISSING = code("salida-falta", ERROR, 'Agrega preferred_output y non_preferred_output, cada una como '
                      '[{"role": "assistant", "content": "…"}].').message(
    'falta "${key}": una lista con un mensaje del asistente, por ejemplo [{"role": "assistant", "content": "…"}]')
_OUTPUT_SHAPE = code("salida-forma", ERROR, "Escribe cada salida como una lista con exactamente un mensaje "
                     "assistant.")
OUTPUT_SIZE = _OUTPUT_SHAPE.message('"${key}" debe ser una lista con exactamente un mensaje del asistente; tiene '
                                    '${messages}')
OUTPUT_NOT_LIST = _OUTPUT_SHAPE.message('"${key}" debe ser una lista con exactamente un mensaje del asistente; es '
                                        '${kind}')
OUTPUT_ROLE = code("salida-rol", ERROR, "El mensaje de cada salida debe tener el rol assistant.").message(
    "en ${key}, el mensaje 1 tiene el rol ${role}; debe ser assistant")
OUTPUTS_EQUAL = code("salidas-iguales", WARNING, "Cambia la respuesta no preferida para que sea distinta de la "
                     "preferida.").message(
    "preferred_output y non_preferred_output son iguales; el modelo no aprende nada de este par: cambia la respuesta "
    "no preferida")

# --- CSV files (classifier and spreadsheet) --------------------------------------------------------------

SEMICOLON = code("punto-y-coma", WARNING, f"En Excel elige {_EXPORT}; en Google Sheets, Archivo → Descargar → "
                 "Valores separados por comas (.csv).").message(
    "el archivo usa punto y coma (;) como separador, como lo exporta Excel en español; lo leí igual, pero las "
    f"plataformas esperan comas: en Excel elige {_EXPORT}; en Google Sheets, Archivo → Descargar → Valores separados "
    "por comas (.csv)")
TAB = code("tabulador", WARNING, f"Exporta el archivo como {_EXPORT}.").message(
    "el archivo usa tabuladores como separador; lo leí igual, pero las plataformas esperan comas: expórtalo como "
    f"{_EXPORT}")
_CSV = code("csv-invalido", ERROR, f"Abre el archivo en una hoja de cálculo, revisa las comillas y vuelve a "
            f"exportarlo como {_EXPORT}.")
CSV_FIELD_TOO_LONG = _CSV.message("una celda es demasiado larga (más de ${limit} caracteres); probablemente faltan "
                                  "cerrar unas comillas: revisa las comillas de esta fila")
CSV_NUL = _CSV.message("la línea tiene caracteres nulos (NUL); ¿es de verdad un CSV? Vuelve a exportarlo como CSV "
                       "UTF-8")
CSV_MALFORMED = _CSV.message("el CSV está mal formado (comillas sin cerrar o caracteres extraños); ábrelo en una hoja "
                             f"de cálculo y vuelve a exportarlo como {_EXPORT}")
_HEADER = code("encabezado", ERROR, "La primera fila debe nombrar las columnas: text,target en un clasificador, "
               "sistema,pregunta,respuesta en una hoja de ejemplos.")
HEADER_CASE = _HEADER.message("el encabezado tiene las columnas con otras mayúsculas o espacios; renómbralas "
                              "exactamente: ${renames}")
HEADER_IS_SHEET = _HEADER.message(
    "este archivo parece una hoja de ejemplos de chat (columnas ${found}), no un clasificador; conviértelo a JSONL "
    "con «python validar_datos.py convertir ${file}» y valida el JSONL")
HEADER_COLUMNS = _HEADER.message(
    'no encontré las columnas "${text_column}" y "${label_column}" en el encabezado; encontré: ${found}. Renombra '
    'la columna del texto a "${text_column}" y la de la clase a "${label_column}" (o indica sus nombres con '
    "--text-column y --label-column); si falta el encabezado, agrega como primera fila: ${text_column},"
    "${label_column}")
_SHEET_HEADER_FIX = ("La primera fila debe ser sistema,pregunta,respuesta (o system,user,assistant): renombra las "
                     "columnas o agrega esa fila al principio")
SHEET_HEADER_ONE = _HEADER.message("falta la columna ${missing} en el encabezado; encontré: ${found}. "
                                   + _SHEET_HEADER_FIX)
SHEET_HEADER_BOTH = _HEADER.message("faltan las columnas pregunta y respuesta en el encabezado; encontré: ${found}. "
                                    + _SHEET_HEADER_FIX)
_EXTRA_COLUMNS = code("columnas-extra", WARNING, "Borra las columnas que no son el texto ni la clase, si no las "
                      "necesitas.")
EXTRA_COLUMN = _EXTRA_COLUMNS.message("la columna ${columns} no se usa y se ignorará; bórrala si no la necesitas")
EXTRA_COLUMNS = _EXTRA_COLUMNS.message("las columnas ${columns} no se usan y se ignorarán; bórralas si no las "
                                       "necesitas")
ROW_EMPTY = code("fila-vacia", WARNING, "Borra las filas vacías.").message("la fila${note} está vacía; bórrala")
_ROW_CELLS = code("fila-columnas", ERROR, "Encierra entre comillas dobles el texto que lleva el separador, o borra "
                  "las celdas sobrantes.")
ROW_CELLS = _ROW_CELLS.message('la fila${note} tiene ${cells} y el encabezado ${width}; si el texto lleva '
                               '${separator}, enciérralo entre comillas dobles ("así, por ejemplo")')
SHEET_ROW_CELLS = _ROW_CELLS.message(
    "la fila${note} tiene texto en más celdas que el encabezado (${width} columnas); si un texto lleva ${separator}, "
    "enciérralo entre comillas dobles, o borra las celdas sobrantes")
_NO_ROWS = code("sin-filas", ERROR, "Agrega una fila por ejemplo debajo del encabezado.")
NO_ROWS_CSV = _NO_ROWS.message("el archivo solo tiene el encabezado; agrega al menos ${minimum} filas de ejemplos")
NO_ROWS_SHEET = _NO_ROWS.message("la hoja no tiene filas de ejemplos debajo del encabezado; agrega una fila por "
                                 "ejemplo (al menos 10)")

# --- classifier ------------------------------------------------------------------------------------------

TEXT_EMPTY = code("texto-vacio", ERROR, "Escribe el texto en la celda o borra la fila.").message(
    "la celda ${column}${note} está vacía; escribe el texto o borra la fila")
_LABEL_EMPTY = code("clase-vacia", ERROR, "Escribe la clase del texto en la celda.")
LABEL_EMPTY = _LABEL_EMPTY.message("la celda ${column}${note} está vacía; escribe la clase del texto")
LABEL_EMPTY_HINT = _LABEL_EMPTY.message("la celda ${column}${note} está vacía; escribe la clase del texto (por "
                                        "ejemplo, una de: ${known})")
TOO_MANY_CLASSES = code("demasiadas-clases", ERROR, "Revisa que la columna de la clase tenga pocas clases repetidas "
                        "y no el texto (¿están invertidas las columnas?).").message(
    "hay más de ${maximum} clases distintas en ${column}; ¿están invertidas las columnas? La columna ${column} debe "
    "tener pocas clases repetidas (por ejemplo positivo, negativo)")
LABEL_VARIANT = code("clase-variante", WARNING, "Escribe cada clase siempre igual, con las mismas mayúsculas y "
                     "espacios.").message(
    "la clase ${label} difiere de ${other} solo en mayúsculas o espacios; para el modelo son clases distintas: "
    "escríbelas igual")
CONTRADICTION = code("clase-contradictoria", ERROR, "Decide cuál es la clase correcta del texto y borra la otra "
                     "fila.").message(
    "este texto ya está en la línea ${first} con la clase ${first_label} y aquí tiene ${label}; decide cuál es la "
    "correcta y borra la otra fila")
ONE_CLASS = code("una-clase", ERROR, "Agrega ejemplos de al menos otra clase.").message(
    "todas las filas tienen la clase ${label}; un clasificador necesita al menos dos clases: agrega ejemplos de otras "
    "clases")
SMALL_CLASS = code("clase-pequena", WARNING, "Agrega ejemplos de la clase: con menos de 5 el modelo casi no puede "
                   "aprenderla.").message(
    "la clase ${label} tiene solo ${examples}; con menos de ${minimum} el modelo casi no puede aprenderla: agrega más")
IMBALANCE = code("desbalance", WARNING, "Agrega ejemplos de la clase pequeña o quita de la más grande.").message(
    "la clase ${small_label} tiene ${small} y ${big_label} tiene ${big} (menos de la quinta parte); el modelo "
    "tenderá a ignorar ${small_label}: agrega ejemplos de ella o quita de la más grande")
MANY_CLASSES = code("muchas-clases", WARNING, "Revisa que las columnas no estén invertidas: cada clase necesita "
                    "varios ejemplos.").message(
    "hay ${classes} clases distintas en ${rows} filas; ¿están invertidas las columnas ${text_column} y "
    "${label_column}? Cada clase necesita varios ejemplos")
UNKNOWN_CLASS = code("clase-desconocida", ERROR, "Corrige la clase o agrega ejemplos de ella al "
                     "entrenamiento.").message(
    "la clase ${label} no aparece en el archivo de entrenamiento; el modelo no puede aprenderla: corrige la clase o "
    "agrega ejemplos de ella al entrenamiento")
CLASS_NOT_VALIDATED = code("clase-sin-validacion", WARNING, "Agrega a la validación algunos ejemplos de cada "
                           "clase.").message(
    "las clases ${labels} no tienen ejemplos en la validación; no podrás medir cómo las reconoce el modelo: agrega "
    "algunos")

# --- spreadsheet of chat examples ------------------------------------------------------------------------

QUESTION_EMPTY = code("pregunta-vacia", ERROR, "Escribe la pregunta del usuario en la celda o borra la fila.").message(
    "la celda ${column}${note} está vacía; escribe la pregunta del usuario o borra la fila")
ANSWER_EMPTY = code("respuesta-vacia", ERROR, "Escribe la respuesta que el modelo debe aprender o borra la "
                    "fila.").message(
    "la celda ${column}${note} está vacía; escribe la respuesta que el modelo debe aprender o borra la fila")
