"""Demo web (Gradio) de un clasificador de textos entrenado en el curso de fine-tuning.

Se publica como un Space de Hugging Face. El modelo se elige con la variable MODEL_ID del Space
(Settings → Variables and secrets); no hace falta tocar este archivo.
"""

from __future__ import annotations

import os
from functools import lru_cache

import gradio as gr
from transformers import pipeline

try:
    # On ZeroGPU hardware (free accounts) Hugging Face provides `spaces`, and a Space with no function
    # marked for the GPU is reported to stop at start-up. Elsewhere (CPU basic, your computer) it is a no-op.
    import spaces

    gpu = spaces.GPU
except ImportError:

    def gpu(function):
        return function

# The Space's variable wins; the constant is for running the app on your own computer.
MODEL_ID = os.environ.get("MODEL_ID", "").strip()
MAX_TOKENS = 512  # longer texts are truncated: the classifier was trained on short texts

EXAMPLES = [
    "El pedido llegó antes de lo prometido y todo funciona perfecto.",
    "Llevo una semana esperando que me devuelvan el dinero y nadie responde.",
    "Compré la mochila el lunes y la retiré en la sucursal del centro.",
    "La atención fue amable, aunque el envío se demoró dos días más de lo anunciado.",
]

MISSING_MODEL = (
    "Falta indicar qué modelo usar. En este Space, abre Settings → Variables and secrets → New variable, "
    "escribe el nombre MODEL_ID y como valor el nombre de tu modelo en Hugging Face (por ejemplo "
    "tu-usuario/clasificador-sentimiento-es). Luego reinicia el Space."
)


@lru_cache(maxsize=1)
def load_classifier(model_id: str):
    """Download (once) and keep the text-classification pipeline of `model_id`.

    Raises:
        gr.Error: the model cannot be loaded (wrong name, private without token, not a classifier).
    """
    try:
        return pipeline("text-classification", model=model_id, top_k=None)
    except (OSError, ValueError) as error:
        msg = (
            f"No pude cargar el modelo «{model_id}». Revisa que el nombre en la variable MODEL_ID esté bien escrito "
            "y que sea un clasificador. Si el modelo es privado, agrega tu token como secreto HF_TOKEN del Space."
        )
        raise gr.Error(msg) from error


@gpu
def classify(text: str) -> dict[str, float]:
    """Probability of each label for `text`, as gr.Label expects it ({label: probability}).

    An empty text gives an empty result instead of an error: the user has not written anything yet.

    Raises:
        gr.Error: MODEL_ID is not set, or the model cannot be loaded.
    """
    text = (text or "").strip()
    if not text:
        return {}
    if not MODEL_ID:
        raise gr.Error(MISSING_MODEL)
    scores = load_classifier(MODEL_ID)(text, truncation=True, max_length=MAX_TOKENS)
    # A single string gives a flat list of {label, score}; some versions wrap it in one more list.
    if scores and isinstance(scores[0], list):
        scores = scores[0]
    return {item["label"]: float(item["score"]) for item in scores}


def build_demo() -> gr.Interface:
    """The web page: a text box, the label probabilities and a few examples, all in Spanish."""
    if MODEL_ID:
        description = (
            f"Escribe un texto y el modelo [{MODEL_ID}](https://huggingface.co/{MODEL_ID}) dirá a qué categoría "
            "pertenece, con la probabilidad de cada una."
        )
    else:
        description = f"⚠️ {MISSING_MODEL}"
    return gr.Interface(
        fn=classify,
        inputs=gr.Textbox(label="Texto", placeholder="Escribe una opinión, un mensaje o un comentario…", lines=4),
        outputs=gr.Label(label="Resultado", num_top_classes=5),
        title="Clasificador de textos en español",
        description=description,
        article=(
            "Modelo ajustado con *fine-tuning* en el curso «Fine-Tuning de Modelos de Lenguaje (LLMs) — "
            "Introducción práctica». Puede equivocarse: úsalo para probar, no para decidir sobre personas."
        ),
        examples=EXAMPLES,
        cache_examples=False,
        flagging_mode="never",
        submit_btn="Clasificar",
        clear_btn="Borrar",
        api_name="clasificar",
    )


demo = build_demo()

if __name__ == "__main__":
    demo.launch()
