"""The fixed texts of the answers workbook (instructions, headers, hints) in each language.

Kept as data beside the definitions' own translations, so `questionnaires` needs no gettext
catalogue; a language without a text falls back to English, like the definitions do.
"""

from __future__ import annotations

from questionnaires.model import AnswerType, Question, translate
from questionnaires.workbook_layout import NOT_SELECTED, SELECTED

MESSAGES: dict[str, dict[str, str]] = {
    "instructions_sheet": {"en": "Instructions", "es": "Instrucciones", "fr": "Instructions"},
    "identity": {
        "en": "Questionnaire '{key}', version {version}",
        "es": "Cuestionario '{key}', versión {version}",
        "fr": "Questionnaire '{key}', version {version}",
    },
    "how_to": {
        "en": "How to fill in this workbook",
        "es": "Cómo rellenar este libro",
        "fr": "Comment remplir ce classeur",
    },
    "step_1": {
        "en": "1. Each section has its own sheet. Answer in column D (the yellow cells); where a "
        "list is offered, pick from it.",
        "es": "1. Cada sección tiene su propia hoja. Responda en la columna D (las celdas "
        "amarillas); cuando se ofrezca una lista, elija de ella.",
        "fr": "1. Chaque section a sa propre feuille. Répondez dans la colonne D (les cellules "
        "jaunes) ; lorsqu'une liste est proposée, choisissez-y votre réponse.",
    },
    "step_2": {
        "en": "2. Multiple-choice questions: mark {yes} on the row of each option that applies.",
        "es": "2. Preguntas de opción múltiple: marque {yes} en la fila de cada opción que "
        "corresponda.",
        "fr": "2. Questions à choix multiples : indiquez {yes} sur la ligne de chaque option "
        "qui s'applique.",
    },
    "step_3": {
        "en": "3. Some questions are asked only after certain answers; the condition is shown "
        "under the question. Leave them empty otherwise: answers to questions that are not "
        "asked are refused.",
        "es": "3. Algunas preguntas solo se plantean tras ciertas respuestas; la condición "
        "figura bajo la pregunta. En caso contrario, déjelas vacías: se rechazan las respuestas "
        "a preguntas que no se plantean.",
        "fr": "3. Certaines questions ne sont posées qu'après certaines réponses ; la condition "
        "figure sous la question. Sinon, laissez-les vides : les réponses à des questions qui "
        "ne sont pas posées sont refusées.",
    },
    "step_4": {
        "en": "4. Numbers: digits only, with a dot for decimals. Dates: YYYY-MM-DD (e.g. "
        "2024-03-31).",
        "es": "4. Números: solo cifras, con punto para los decimales. Fechas: AAAA-MM-DD (p. ej. "
        "2024-03-31).",
        "fr": "4. Nombres : des chiffres uniquement, avec un point pour les décimales. Dates : "
        "AAAA-MM-JJ (par ex. 2024-03-31).",
    },
    "step_5": {
        "en": "5. Evidence (column E): web links (https://...) or the ids of evidence items "
        "already uploaded to the assessment, one per line. Upload files on the web form.",
        "es": "5. Pruebas (columna E): enlaces web (https://...) o los identificadores de las "
        "pruebas ya subidas a la evaluación, uno por línea. Suba los archivos en el formulario "
        "web.",
        "fr": "5. Preuves (colonne E) : liens web (https://...) ou identifiants des preuves déjà "
        "téléversées dans l'évaluation, un par ligne. Téléversez les fichiers dans le "
        "formulaire web.",
    },
    "step_6": {
        "en": "6. Type values, not formulas: cells that contain formulas are refused.",
        "es": "6. Escriba valores, no fórmulas: se rechazan las celdas que contienen fórmulas.",
        "fr": "6. Saisissez des valeurs, pas des formules : les cellules qui contiennent des "
        "formules sont refusées.",
    },
    "step_7": {
        "en": "7. Do not rename, reorder or delete the sheets, and do not change column A.",
        "es": "7. No cambie el nombre, el orden ni elimine las hojas, y no modifique la columna A.",
        "fr": "7. Ne renommez, ne réordonnez et ne supprimez pas les feuilles, et ne modifiez "
        "pas la colonne A.",
    },
    "step_8": {
        "en": "8. Upload the workbook to your assessment. It is checked as a whole: if anything "
        "is wrong nothing is imported, and you get this workbook back with each problem "
        "highlighted in red and explained in a comment.",
        "es": "8. Suba el libro a su evaluación. Se comprueba en su conjunto: si algo es "
        "incorrecto no se importa nada, y recibe de vuelta este libro con cada problema "
        "resaltado en rojo y explicado en un comentario.",
        "fr": "8. Téléversez le classeur dans votre évaluation. Il est vérifié dans son "
        "ensemble : si quelque chose ne va pas, rien n'est importé, et ce classeur vous est "
        "renvoyé avec chaque problème surligné en rouge et expliqué dans un commentaire.",
    },
    "do_no_harm": {"en": "Do no harm", "es": "No causar daño", "fr": "Ne pas nuire"},
    "do_no_harm_text": {
        "en": "Never write names, contact details or exact locations of defenders, victims or "
        "complainants in this workbook or in evidence: use pseudonyms and regions.",
        "es": "No escriba nunca nombres, datos de contacto ni ubicaciones exactas de personas "
        "defensoras, víctimas o denunciantes en este libro ni en las pruebas: use seudónimos y "
        "regiones.",
        "fr": "N'écrivez jamais les noms, coordonnées ou lieux précis de défenseur·e·s, de "
        "victimes ou de plaignant·e·s dans ce classeur ni dans les preuves : utilisez des "
        "pseudonymes et des régions.",
    },
    "header_id": {"en": "Id", "es": "Id", "fr": "Id"},
    "header_question": {"en": "Question", "es": "Pregunta", "fr": "Question"},
    "header_guidance": {
        "en": "Guidance, norms and evidence expected",
        "es": "Orientación, normas y pruebas esperadas",
        "fr": "Conseils, normes et preuves attendues",
    },
    "header_answer": {"en": "Answer", "es": "Respuesta", "fr": "Réponse"},
    "header_evidence": {
        "en": "Evidence (links or evidence ids, one per line)",
        "es": "Pruebas (enlaces o identificadores de pruebas, uno por línea)",
        "fr": "Preuves (liens ou identifiants de preuves, un par ligne)",
    },
    "header_comment": {"en": "Comment", "es": "Comentario", "fr": "Commentaire"},
    "option": {"en": "Option", "es": "Opción", "fr": "Option"},
    "mark_if_applies": {
        "en": "Mark {yes} if it applies.",
        "es": "Marque {yes} si corresponde.",
        "fr": "Indiquez {yes} si elle s'applique.",
    },
    "question_id": {"en": "Question {id}", "es": "Pregunta {id}", "fr": "Question {id}"},
    "not_valid": {
        "en": "Not a valid answer",
        "es": "Respuesta no válida",
        "fr": "Réponse non valide",
    },
    "pick_title": {
        "en": "Pick from the list",
        "es": "Elija de la lista",
        "fr": "Choisissez dans la liste",
    },
    "pick_error": {
        "en": "Pick one of the values offered in the list.",
        "es": "Elija uno de los valores que ofrece la lista.",
        "fr": "Choisissez l'une des valeurs proposées dans la liste.",
    },
    "answer_only_if": {
        "en": "Answer only if {condition}.",
        "es": "Responda solo si {condition}.",
        "fr": "Répondez seulement si {condition}.",
    },
    "required": {"en": "Required.", "es": "Obligatoria.", "fr": "Obligatoire."},
    "high_risk_required": {
        "en": "Required for operations in high-risk contexts.",
        "es": "Obligatoria para operaciones en contextos de alto riesgo.",
        "fr": "Obligatoire pour les activités dans des contextes à haut risque.",
    },
    "norms": {"en": "Norms: {norms}", "es": "Normas: {norms}", "fr": "Normes : {norms}"},
    "evidence_expected": {
        "en": "Evidence expected: {description}",
        "es": "Pruebas esperadas: {description}",
        "fr": "Preuves attendues : {description}",
    },
    "hint_choice": {
        "en": "Pick one answer from the list.",
        "es": "Elija una respuesta de la lista.",
        "fr": "Choisissez une réponse dans la liste.",
    },
    "hint_multiple": {
        "en": "Mark {yes} on the row of each option that applies.",
        "es": "Marque {yes} en la fila de cada opción que corresponda.",
        "fr": "Indiquez {yes} sur la ligne de chaque option qui s'applique.",
    },
    "hint_select_all": {
        "en": "Select all that apply.",
        "es": "Seleccione todas las que correspondan.",
        "fr": "Sélectionnez toutes les réponses qui s'appliquent.",
    },
    "hint_whole_number": {
        "en": "A whole number",
        "es": "Un número entero",
        "fr": "Un nombre entier",
    },
    "hint_number": {
        "en": "A number (dot for decimals)",
        "es": "Un número (punto para los decimales)",
        "fr": "Un nombre (point pour les décimales)",
    },
    "at_least": {"en": "at least {n}", "es": "al menos {n}", "fr": "au moins {n}"},
    "at_most": {"en": "at most {n}", "es": "como máximo {n}", "fr": "au plus {n}"},
    "and": {"en": " and ", "es": " y ", "fr": " et "},
    "hint_date": {
        "en": "A date, typed as YYYY-MM-DD (e.g. 2024-03-31).",
        "es": "Una fecha, escrita como AAAA-MM-DD (p. ej. 2024-03-31).",
        "fr": "Une date, saisie au format AAAA-MM-JJ (par ex. 2024-03-31).",
    },
    "hint_text": {
        "en": "Text, up to {limit} characters.",
        "es": "Texto, hasta {limit} caracteres.",
        "fr": "Texte, jusqu'à {limit} caractères.",
    },
    "hint_url": {
        "en": "A web address starting with https://.",
        "es": "Una dirección web que empiece por https://.",
        "fr": "Une adresse web commençant par https://.",
    },
    "hint_file": {
        "en": "The id of an evidence item uploaded to the assessment on the web.",
        "es": "El identificador de una prueba subida a la evaluación en la web.",
        "fr": "L'identifiant d'une preuve téléversée dans l'évaluation sur le web.",
    },
    "problem_sheet_missing": {
        "en": "The sheet '{sheet}' is missing. Do not rename or delete sheets; download the "
        "template again and copy your answers into it.",
        "es": "Falta la hoja '{sheet}'. No cambie el nombre de las hojas ni las elimine; "
        "descargue de nuevo la plantilla y copie en ella sus respuestas.",
        "fr": "La feuille '{sheet}' est manquante. Ne renommez ni ne supprimez les feuilles ; "
        "téléchargez à nouveau le modèle et copiez-y vos réponses.",
    },
    "problem_formula": {
        "en": "Cell {ref} contains a formula; type the value instead.",
        "es": "La celda {ref} contiene una fórmula; escriba el valor en su lugar.",
        "fr": "La cellule {ref} contient une formule ; saisissez plutôt la valeur.",
    },
    "problem_no_id": {
        "en": "This row has no question id in column A; type answers only on the rows of "
        "questions.",
        "es": "Esta fila no tiene identificador de pregunta en la columna A; escriba respuestas "
        "solo en las filas de las preguntas.",
        "fr": "Cette ligne n'a pas d'identifiant de question en colonne A ; ne saisissez des "
        "réponses que sur les lignes des questions.",
    },
    "problem_misplaced": {
        "en": "Question {id} belongs on the sheet '{sheet}'; do not move rows.",
        "es": "La pregunta {id} corresponde a la hoja '{sheet}'; no mueva filas.",
        "fr": "La question {id} se trouve sur la feuille '{sheet}' ; ne déplacez pas de lignes.",
    },
    "problem_not_a_question": {
        "en": "'{row_id}' is not a question of this questionnaire; do not change column A "
        "(download the template again if it was changed).",
        "es": "'{row_id}' no es una pregunta de este cuestionario; no modifique la columna A "
        "(descargue de nuevo la plantilla si se modificó).",
        "fr": "'{row_id}' n'est pas une question de ce questionnaire ; ne modifiez pas la "
        "colonne A (téléchargez à nouveau le modèle si elle a été modifiée).",
    },
    "problem_twice": {
        "en": "Question {id} appears twice (first at {where}); delete the copy.",
        "es": "La pregunta {id} aparece dos veces (primero en {where}); elimine la copia.",
        "fr": "La question {id} apparaît deux fois (d'abord en {where}) ; supprimez la copie.",
    },
    "problem_options_below": {
        "en": "Mark {yes} on the option rows below this question instead.",
        "es": "Marque {yes} en las filas de opciones bajo esta pregunta.",
        "fr": "Indiquez plutôt {yes} sur les lignes d'options sous cette question.",
    },
    "problem_answer": {
        "en": "Question {id}: {problem}",
        "es": "Pregunta {id}: {problem}",
        "fr": "Question {id} : {problem}",
    },
    "problem_no_option": {
        "en": "Question {id} has no option '{key}'; do not change column A.",
        "es": "La pregunta {id} no tiene la opción '{key}'; no modifique la columna A.",
        "fr": "La question {id} n'a pas d'option '{key}' ; ne modifiez pas la colonne A.",
    },
    "problem_option_extras": {
        "en": "Put evidence and comments on the row of question {id}, not on its option rows.",
        "es": "Ponga las pruebas y los comentarios en la fila de la pregunta {id}, no en las "
        "filas de sus opciones.",
        "fr": "Placez les preuves et les commentaires sur la ligne de la question {id}, pas sur "
        "les lignes de ses options.",
    },
    "problem_mark_option": {
        "en": "Mark this option {yes} or {no}, or leave it empty.",
        "es": "Marque esta opción con {yes} o {no}, o déjela vacía.",
        "fr": "Indiquez {yes} ou {no} pour cette option, ou laissez-la vide.",
    },
    "problem_evidence": {
        "en": "Give web links or evidence ids, one per line.",
        "es": "Indique enlaces web o identificadores de pruebas, uno por línea.",
        "fr": "Indiquez des liens web ou des identifiants de preuves, un par ligne.",
    },
    "problem_comment_long": {
        "en": "The comment has {length} characters; keep it to {limit}.",
        "es": "El comentario tiene {length} caracteres; limítelo a {limit}.",
        "fr": "Le commentaire compte {length} caractères ; limitez-le à {limit}.",
    },
    "problem_not_in_list": {
        "en": "'{value}' is not in the list; pick one of: {options}.",
        "es": "'{value}' no está en la lista; elija una de estas opciones: {options}.",
        "fr": "'{value}' ne figure pas dans la liste ; choisissez parmi : {options}.",
    },
    "problem_number_not_date": {
        "en": "Type a number, not a date or time.",
        "es": "Escriba un número, no una fecha ni una hora.",
        "fr": "Saisissez un nombre, pas une date ni une heure.",
    },
    "problem_date_format": {
        "en": "Type the date as YYYY-MM-DD, e.g. 2024-03-31, in a date cell.",
        "es": "Escriba la fecha como AAAA-MM-DD, p. ej. 2024-03-31, en una celda de fecha.",
        "fr": "Saisissez la date au format AAAA-MM-JJ, par ex. 2024-03-31, dans une cellule de "
        "date.",
    },
}


def say(message: str, language: str, **values: object) -> str:
    """A fixed workbook text in `language` (English when missing), with `values` filled in."""
    return translate(MESSAGES[message], language).format(
        yes=translate(SELECTED, language), no=translate(NOT_SELECTED, language), **values
    )


def answer_hint(question: Question, language: str = "en") -> str:
    """How to type the answer, in a few words."""
    match question.type:
        case AnswerType.YES_PARTLY_NO | AnswerType.SINGLE_CHOICE:
            return say("hint_choice", language)
        case AnswerType.MULTIPLE_CHOICE:
            return say("hint_multiple", language)
        case AnswerType.NUMBER:
            kind = say("hint_whole_number" if question.integer else "hint_number", language)
            bounds = []
            if question.minimum is not None:
                bounds.append(say("at_least", language, n=f"{question.minimum:g}"))
            if question.maximum is not None:
                bounds.append(say("at_most", language, n=f"{question.maximum:g}"))
            joined = say("and", language).join(bounds)
            return f"{kind}{', ' + joined if bounds else ''}."
        case AnswerType.DATE:
            return say("hint_date", language)
        case AnswerType.TEXT:
            return say("hint_text", language, limit=question.text_limit)
        case AnswerType.URL:
            return say("hint_url", language)
        case AnswerType.FILE:
            return say("hint_file", language)
