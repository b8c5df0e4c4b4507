"""The words exports use: names of the canonical columns in the exports of contact-centre
platforms, help desks, CRMs and survey tools, in English, German, French and Spanish; the words of
survey questions and rating scales; yes and no. Data only: guesses.py decides with them.

Every name is written as `guesses.normalise` leaves a text (lower case, accents folded, words
split on anything but letters and digits).
"""

from __future__ import annotations

import re

# Canonical column -> names an export uses for it (compared after `normalise`). A name listed
# for two targets of one kind (Date: started_at or responded_at) goes to the one the kind has.
SYNONYMS: dict[str, tuple[str, ...]] = {
    "contact_id": ("contact id", "call id", "call", "call number", "ticket", "ticket id", "ticket number",
                   "ticket no", "case", "case id", "case number", "interaction id", "conversation id",
                   "chat id", "tweet id", "message id"),
    "response_id": ("response id", "respondent", "respondent id", "survey id", "submission id",
                    "answer id", "feedback id", "response"),
    "customer_id": ("customer id", "customerid", "customer", "customer number", "client id", "client",
                    "account id", "account number", "account", "user id", "author id", "member id",
                    "caller id", "caller number", "calling number", "caller phone", "ani", "requester",
                    "requester id"),
    "started_at": ("started at", "start time", "start", "started", "created", "created at", "date",
                   "date time", "datetime", "timestamp", "call date", "contact date", "opened",
                   "opened at", "call start", "conversation start", "interaction start", "date opened",
                   "date time opened", "opened date"),
    "responded_at": ("responded at", "response date", "submitted", "submitted at", "survey date",
                     "completed", "completed at", "recorded date", "end date", "date submitted",
                     "submit date", "submitted date", "submission date",
                     "date", "created", "created at", "timestamp", "date time", "datetime"),
    "contact_reason": ("contact reason", "reason", "topic", "category", "subject", "issue", "issue type",
                       "call reason", "type", "wrap up", "wrap up code", "wrapup", "wrapup code", "reason code",
                       "case reason", "enquiry type", "inquiry type"),
    "channel": ("channel", "contact channel", "medium", "source", "media type", "media", "channel type", "via",
                "origin"),
    "resolved": ("resolved", "is resolved", "solved", "resolution"),
    "answered": ("answered", "is answered"),
    "wait_seconds": ("wait seconds", "wait time", "speed of answer", "time to answer", "queue time", "asa",
                     "total queue time", "time in queue", "queue duration", "waiting time"),
    "handle_seconds": ("handle seconds", "handle time", "handling time", "aht", "talk time", "talk duration",
                       "avg talk duration", "average talk duration", "call duration", "duration",
                       "total handle time", "handle duration", "total talk time"),
    "transfers": ("transfers", "transfer count", "number of transfers", "transferred"),
    "agent": ("agent", "agent name", "rep", "representative", "advisor", "assignee", "handled by", "owner",
              "assigned to"),
    "team": ("team", "group", "department", "queue", "queue name", "skill", "skill group"),
    "self_service": ("self service",),
    "nps": ("nps", "nps score", "likelihood to recommend", "recommend", "ltr", "net promoter score"),
    "csat": ("csat", "csat score", "satisfaction", "satisfaction rating", "satisfaction score", "rating",
             "customer satisfaction", "customer satisfaction rating", "customer satisfaction score",
             "satisfaction level", "csat rating"),
    "ces": ("ces", "effort", "effort score", "customer effort", "customer effort score"),
    "resolved_answer": ("resolved answer", "was it resolved", "first contact resolution"),
    "comment": ("comment", "comments", "verbatim", "feedback", "explication", "remarks", "free text",
                "open answer", "why"),
    "survey": ("survey", "survey name"),
    "revenue": ("revenue", "total revenue", "sales", "spend", "amount"),
    "churned": ("churned", "churn", "churn label", "churn value", "churn flag", "cancelled"),
    "orders": ("orders", "order count", "number of orders"),
    "month": ("month", "period"),
    "engagement_score": ("engagement score", "engagement"),
}
# Words of a survey question that say which score or answer its column holds, searched in a long
# column name or in the question text a label row gives it (SurveyMonkey names a column by its
# question; Qualtrics puts the question under an id such as Q1). Tried after the synonyms, and only
# where the values fit: "How likely are you to recommend us? - Group" (promoter, passive ...) is no
# 0-10 score. Order matters: an effort question often says "satisfied" too, so ces comes first.
# Written as `normalise` leaves a text (lower case, accents folded), in English, German, French and
# Spanish.
QUESTION_WORDS: dict[str, re.Pattern] = {
    "nps": re.compile(r"\b(recommend|empfehl|weiterempfehl|recommand|recomend|recomiend)\w*"),
    "ces": re.compile(r"\b(easy|easier|effort|effortless|einfach|leicht|facile|facil)\b"),
    "csat": re.compile(r"\b(satisf|zufrieden)\w*"),
    "resolved_answer": re.compile(r"\b(resolved|resolve|solved|fixed|gelost|resolu|resuelto)\b"),
    "comment": re.compile(r"\b(why|warum|pourquoi|por que|reason for your|hauptgrund|grund fur|raison|tell us"
                          r"|comments?|kommentar|commentaire|comentario|anything else|improve|explain)\b"),
}
# A survey tool exports a rating as its choice text when asked to: the five-point satisfaction
# scales' labels (Qualtrics' "Extremely"/"Somewhat", the usual "Very") read as CSAT 1-5, by a
# recode the guess adds (guesses.SATISFACTION_READING). Compared after `normalise`.
SATISFACTION_LABELS = {
    "very dissatisfied": 1, "extremely dissatisfied": 1, "very unsatisfied": 1, "completely dissatisfied": 1,
    "dissatisfied": 2, "somewhat dissatisfied": 2, "unsatisfied": 2,
    "neither satisfied nor dissatisfied": 3, "neutral": 3, "neither": 3,
    "satisfied": 4, "somewhat satisfied": 4,
    "very satisfied": 5, "extremely satisfied": 5, "completely satisfied": 5,
}
# CES 2.0 asks how far one agrees that the company made it easy, on seven points: its words read
# as CES 1-7 (guesses.AGREEMENT_READING), but only when a "somewhat" answer shows the scale has
# seven points: on five, "agree" would be 4, not 6.
AGREEMENT_LABELS = {
    "strongly disagree": 1, "disagree": 2, "somewhat disagree": 3, "neither agree nor disagree": 4,
    "somewhat agree": 5, "agree": 6, "strongly agree": 7,
}
SEVEN_POINT_WORDS = ("somewhat disagree", "somewhat agree")
# The same columns as German, French and Spanish exports name them, written as `normalise` leaves
# them (accents folded: "Gelöst" is "gelost", "Durée" is "duree"). Kept apart so the English list
# stays readable; merged into SYNONYMS below.
SYNONYMS_ELSEWHERE: dict[str, tuple[str, ...]] = {
    "contact_id": ("anruf id", "anrufnummer", "ticketnummer", "vorgang", "vorgangsnummer", "fall id",
                   "id appel", "numero d appel", "numero de ticket", "id ticket", "id llamada",
                   "numero de llamada", "numero de caso", "id caso"),
    "response_id": ("antwort id", "id reponse", "id respuesta"),
    "customer_id": ("kundennummer", "kunden id", "kunde", "kunden nr", "id client", "numero client",
                    "client id", "identifiant client", "id cliente", "numero de cliente", "cliente"),
    "started_at": ("datum", "zeitstempel", "erstellt", "erstellt am", "beginn", "date d appel",
                   "date de creation", "fecha", "fecha de creacion", "fecha y hora", "inicio"),
    "responded_at": ("datum", "zeitstempel", "antwortdatum", "date de reponse", "fecha", "fecha de respuesta"),
    "contact_reason": ("anliegen", "grund", "kategorie", "thema", "kontaktgrund", "anrufgrund", "motif",
                       "raison", "categorie", "sujet", "motif d appel", "motivo", "categoria", "asunto",
                       "tema", "motivo de contacto"),
    "channel": ("kanal", "canal"),
    "resolved": ("gelost", "erledigt", "resolu", "resuelto"),
    "answered": ("angenommen", "beantwortet", "repondu", "atendida", "contestada"),
    "wait_seconds": ("wartezeit", "temps d attente", "tiempo de espera"),
    "handle_seconds": ("gesprachsdauer", "bearbeitungszeit", "dauer", "duree", "duree de l appel",
                       "duracion", "tiempo de gestion"),
    "transfers": ("weiterleitungen", "transferts", "transferencias"),
    "agent": ("mitarbeiter", "bearbeiter", "sachbearbeiter", "conseiller", "agente", "asesor"),
    "team": ("gruppe", "abteilung", "equipe", "equipo"),
    "csat": ("zufriedenheit", "satisfaction client", "satisfaccion"),
    "comment": ("kommentar", "bemerkung", "commentaire", "comentario"),
    "revenue": ("umsatz", "chiffre d affaires", "ingresos"),
    "month": ("monat", "mois", "mes", "periode", "periodo", "zeitraum"),
    "orders": ("bestellungen", "auftrage", "commandes", "pedidos"),
    "churned": ("gekundigt", "resilie", "baja"),
}
for _target, _names in SYNONYMS_ELSEWHERE.items():
    SYNONYMS[_target] = SYNONYMS[_target] + tuple(n for n in _names if n not in SYNONYMS[_target])

TIME_NAMES = ("time", "time of day", "call time", "hour", "start time", "time started", "uhrzeit", "zeit",
              "heure", "hora")

# Yes and no, lower-cased, as sql/schema/019_values_in_other_languages.sql's cx_boolean reads them:
# English, and the German, French, Spanish and Dutch words.
TRUE_WORDS = {"true", "yes", "y", "1", "ja", "oui", "si", "sí", "wahr", "vrai", "verdadero"}
FALSE_WORDS = {"false", "no", "n", "0", "nein", "non", "nee", "falsch", "faux", "falso"}

# A yes/no column that says the opposite of a canonical one: a call log's "Abandoned" is "answered"
# read the other way round, by a recode of each text seen (guesses.INVERTED_READING).
INVERTED_SYNONYMS: dict[str, tuple[str, ...]] = {
    "answered": ("abandoned", "abandon", "is abandoned", "abandoned call", "call abandoned", "abandonado",
                 "abandonne", "abgebrochen", "aufgelegt"),
}
