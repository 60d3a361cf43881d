"""Reporting-cue and source-noun lexicons (`framing.pipeline.cues` matches them on a parse).

Word lists come from the cues and sources annotated in the corpus train split plus common news
usage.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from spacy.tokens import Span, Token


def _w(words: str) -> frozenset[str]:
    return frozenset(words.split())


# Verbs that link an assertion to whoever is its subject ("X said ...", "..., X warned").
SPEECH_VERBS = _w("""say tell stress note warn argue announce claim report insist accuse describe
    dismiss reject deny allege contend emphasize emphasise caution criticise criticize condemn
    complain pledge vow portray hype brand dub characterise characterize blame bristle voice
    call point read""")
# Speech verbs with other common senses ("added dozens of firms", "agreed to co-produce"):
# a cue only with a clause or quotation after them, or after what they report ("..., X added").
WEAK_VERBS = _w("""add sum state explain acknowledge assert suggest maintain reiterate underline
    underscore highlight declare confirm admit concede remark comment observe reply respond
    recall urge promise predict estimate write tweet post counter defend present label term
    praise hail welcome charge protest question disagree agree""")
# Verbs of belief or perception: a cue only when their subject is a plausible source.
COGNITION_VERBS = _w("see view regard consider believe think worry fear find show")
CUE_VERBS = SPEECH_VERBS | WEAK_VERBS | COGNITION_VERBS
# Verbs that report speech only with a particle or a certain object ("called on", "pointed out",
# "voiced concern"); "read" only with a document as its subject ("the statement reads").
PARTICLE_VERBS = {"point": {"out", "to"}, "sum": {"up"}}
VOICED = _w("concern alarm support opposition worry criticism doubt hope regret")
NOT_SAID = _w("little nothing much")
COLLECTIVE = _w("side party country leader government")
QUANTIFIERS = _w("one some many most several two three few all both none each")
# Subjects that deny there is any source: "No one said", "Neither side calls it", "None of ...".
NEGATORS = _w("no neither none nobody noone no-one nothing")
# Verbs by which an outlet passes on what someone else said ("..., TASS reported").
CHANNEL_VERBS = _w("report")
# Head nouns of a news outlet proper, which runs what others say ("carried by the agency").
NEWS_NOUNS = _w("""media medium agency newspaper daily weekly outlet broadcaster television tv
    radio channel magazine network wire tabloid""")
# ... and of anything that may pass on what others say ("Local media reported that ...").
MEDIA_NOUNS = NEWS_NOUNS | _w(
    "paper press journal website site portal news times post station service"
)

# Head nouns, lower-case lemmas. A document speaks through its text.
DOCUMENT_NOUNS = _w("""statement report communique communiqué readout document treaty assessment
    analysis figure figures estimate estimates editorial commentary doctrine declaration paper
    study survey data text memo letter resolution transcript bulletin release notice website
    post article summary strategy review plan agreement leaflet brief briefing white-paper
    datum""")
# ... and records of a particular kind: "the survey" or "the video" is one of its own kind, never
# an earlier statement (as "the document" may be)
DOCUMENT_KINDS = _w("""memorandum decree roadmap draft reply message appeal bill law measure poll
    survey video footage image photo photograph order convention accord charter constitution
    ruling verdict indictment complaint lawsuit filing affidavit tweet email cable dossier
    manifesto petition warrant judgment judgement ad advertisement clip slide""")
DOCUMENT_NOUNS |= DOCUMENT_KINDS
# Vague or anonymous sources.
UNNAMED_NOUNS = _w("""expert analyst observer critic official diplomat source media commentator
    lawmaker planner officer adviser advisor other insider scholar researcher academic people
    resident voice commander executive representative negotiator aide lobbyist activist veteran
    editor strategist specialist watcher pundit legislator politician figure some many
    government think-tank tank outlet report person member participant supporter opponent
    speaker witness survivor soldier protester candidate voter worker student doctor farmer
    prosecutor investigator villager eyewitness refugee owner lawyer attorney inspector rescuer
    medic pensioner separatist rebel militant organizer organiser volunteer trader investor
    demonstrator citizen inhabitant neighbour neighbor miner driver employee campaigner fighter""")
# A role that one identifiable person holds ("the defense minister", "Iran's president").
PERSON_ROLES = _w("""minister president premier chancellor king queen prince ambassador secretary
    chief envoy governor mayor director chairman chairwoman chair commander-in-chief leader
    head admiral general marshal commander senator congressman congresswoman judge nominee
    candidate""")
# Nouns for one individual: an appositive "Carolina Vasconcelos, a professor ..." marks a person.
PERSON_NOUNS = _w("""professor expert analyst researcher fellow scholar director lecturer
    commentator adviser advisor officer official diplomat minister ambassador general colonel
    admiral editor journalist economist historian head chief member founder author spokesperson
    spokesman spokeswoman lawmaker senator legislator deputy strategist specialist veteran
    retiree commander""")
# Words before a name that mark a person ("Ministry spokesperson Jeon Ha-kyu", "Col. X").
HONORIFICS = _w("mr mrs ms dr prof gen lt col colonel adm captain capt maj sgt sri pm")
# Words that are titles only before their partner ("Tan Sri Ahmad"); alone they are surnames.
PAIRED_TITLES = {"tan": "sri", "puan": "sri"}
SPOKES_NOUNS = _w("spokesperson spokesman spokeswoman spokespeople mouthpiece")
ORG_NOUNS = _w("""ministry embassy agency government department military navy army fleet command
    kremlin pentagon institute center centre council forum guard company companies firm wing
    staff newspaper outlet broadcaster television channel daily times post office bureau service
    commission committee parliament congress senate cabinet administration alliance union
    exporter corporation group side sides country countries state states nation nations
    university academy court authorities authority police campaign bank party junta regime
    leadership coalition""")
PRONOUNS = dict.fromkeys(["he", "she", "him", "her", "i"], "person")
PRONOUNS |= dict.fromkeys(["they", "them", "we"], "plural") | {"it": "thing"}
ORG_LABELS = ("ORG", "GPE", "NORP", "FAC", "LOC")
# News agencies and bodies NER sometimes takes for people.
KNOWN_ORGS = _w("""xinhua tass reuters afp ap ria novosti interfax kcna yonhap irna kyodo bloomberg
    bbc cnn pentagon kremlin nato sipri itamaraty rosoboronexport""")
# Title words stripped off a person's name when it is resolved ("Defense Minister Li Wei").
TITLE_WORDS = _w("""mr mrs ms dr prof president premier minister ambassador general gen lt col
    colonel admiral adm rear vice deputy secretary spokesperson spokesman spokeswoman chief
    senator sen rep governor captain capt major maj sergeant commander foreign defense defence
    state chairman sri dato datuk sheikh pm chancellor mayor professor congressman congresswoman
    legislator lawmaker rank prince princess king queen speaker""")
# lower-case words inside family names ("von der Leyen", "bin Salman", "da Silva")
NAME_PARTICLES = frozenset(
    "von van der den de da di du del della dos das do bin ibn al el la le ter zu".split()
)
# Family names written first (Chinese, Korean, Vietnamese): "Tan Wenlu", "Park Ji-won", "Le Thi
# Hoa" are one person however NER splits, shortens or labels them.
SURNAMES = frozenset(
    """Bai Bao Cai Cao Chen Cheng Cui Dai Deng Ding Dong Du Duan Fan Fang Feng Fu Gao Ge Gong Gu
    Guan Guo Han Hao He Hou Hu Hua Huang Ji Jia Jiang Jin Kong Lai Lei Li Liang Liao Lin Liu Long
    Lu Luo Lü Ma Mao Meng Mo Pan Peng Qian Qiao Qin Qiu Ren Shao Shen Shi Song Su Sun Tan Tang
    Tao Tian Wan Wang Wei Wen Wu Xia Xiang Xiao Xie Xiong Xu Xue Yan Yang Yao Ye Yi Yin Yu Yuan
    Zeng Zhang Zhao Zheng Zhong Zhou Zhu Zou Ahn Bae Baek Chae Cho Choi Chung Chun Eom Ha Heo Hong
    Hwang Jang Jeon Jeong Jo Ju Jung Kang Kim Ko Kwak Kwon Lee Lim Min Moon Nam Noh Oh Park Ryu Seo
    Seong Shin Sohn Son Sung Woo Yoo Yoon Yun Bui Dang Dinh Do Doan Duong Ho Hoang Huynh Lam Le
    Luong Ly Mai Ngo Nguyen Pham Phan Quach Ta To Tran Trinh Truong Vo Vu""".split()
)


# Common nouns a source may be headed by.
_SOURCE_NOUNS = DOCUMENT_NOUNS | UNNAMED_NOUNS | PERSON_ROLES | PERSON_NOUNS | SPOKES_NOUNS
_SOURCE_NOUNS |= ORG_NOUNS


def head_lemma(token: Token) -> str:
    """Lower-case lemma of a spaCy token, with hyphens kept ("think-tank"); a plural the tagger
    took for a name because it opens the sentence ("Pensioners said") is the noun it is."""
    lemma = (token.lemma_ or token.text).lower()
    if token.pos_ == "PROPN" and token.is_sent_start and lemma.endswith("s"):
        alone = all(t.i == token.i or t.pos_ != "PROPN" for t in token.subtree)
        if alone and lemma[:-1] in _SOURCE_NOUNS:
            return lemma[:-1]
    return lemma


def is_source_like(span: Span) -> bool:
    """Whether a subject NP can be a source at all (a person, body, document or vague group)."""
    root = span.root
    lemma = head_lemma(root)
    if root.lower_ in PRONOUNS:
        return True
    if root.ent_type_ in ("PERSON", *ORG_LABELS) or root.pos_ == "PROPN":
        return True
    if any(e.label_ in ("PERSON", "ORG") for e in span.ents):
        return True
    if any(t.pos_ == "PROPN" and t.dep_ == "compound" and t.head == root for t in span):
        return True  # "Han Min-seok" with its last part mis-tagged
    return lemma in _SOURCE_NOUNS or root.lower_ in {"media", "others", "both", "some", "many"}


OPEN_QUOTES, CLOSE_QUOTES = "“", "”"
