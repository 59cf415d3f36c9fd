# ruff: noqa: E501 -- tables of hand-written example text; one example a line reads best
"""Write the bundled smoke sets: hand-written examples in each source's hub schema (offline fallback).

Run ``python -m tools.make_smoke`` from the repository root after editing the examples below; the output
(``ifteval/tasks/smoke/<source>.jsonl``, the only smoke files the package ships) is deterministic (fixed
order, sorted keys), so a rerun without edits changes no file. The examples are written for this project,
in the style of the real datasets; they test the pipeline, not a model.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

from ifteval.tasks.data import SMOKE_DIR
from ifteval.tasks.sources import CONLL_TAGS
from tools.alpaca_examples import ALPACA

# ----------------------------------------------------------------------------- GLUE SST-2
# (sentence, label) with 0 = negative, 1 = positive.
SST2 = [
    ("a warm , funny and thoroughly engaging film .", 1),
    ("the plot is a tangle of clichés that never comes together .", 0),
    ("one of the most beautifully shot movies of the year .", 1),
    ("tedious , overlong and curiously flat .", 0),
    ("the performances are uniformly excellent , especially the young lead .", 1),
    ("it feels like a first draft that nobody bothered to revise .", 0),
    ("a small gem that rewards patient viewers .", 1),
    ("the jokes land with a dull thud .", 0),
    ("smart , sharp and surprisingly moving .", 1),
    ("a muddled mess of a thriller .", 0),
    ("the director knows exactly when to hold back .", 1),
    ("even the soundtrack seems bored .", 0),
    ("an uplifting story told with real affection .", 1),
    ("i kept checking my watch .", 0),
    ("the cast has terrific chemistry .", 1),
    ("characters so thin you could read a newspaper through them .", 0),
    ("a genuinely scary horror movie , which is rarer than it should be .", 1),
    ("the dialogue is stilted and the pacing is glacial .", 0),
    ("it is the kind of film that stays with you for days .", 1),
    ("a lazy sequel that adds nothing to the original .", 0),
    ("clever , heartfelt and never condescending to its young audience .", 1),
    ("the special effects can not save a script this weak .", 0),
    ("a triumph of style and substance .", 1),
    ("by the end i no longer cared who the killer was .", 0),
    ("funny in a way that feels effortless .", 1),
    ("an ugly , joyless exercise in cynicism .", 0),
    ("the best documentary i have seen in years .", 1),
    ("the twist is obvious from the first scene .", 0),
    ("a charming romance with a sharp comic edge .", 1),
    ("it wastes a talented cast on a story that goes nowhere .", 0),
]


# ----------------------------------------------------------------------------- GLUE MNLI
# (premise, hypothesis, label) with 0 = entailment, 1 = neutral, 2 = contradiction.
MNLI = [
    (
        "The museum opens at nine and closes at five every weekday.",
        "The museum is open in the afternoon on weekdays.",
        0,
    ),
    (
        "The museum opens at nine and closes at five every weekday.",
        "The museum is the most visited in the city.",
        1,
    ),
    ("The museum opens at nine and closes at five every weekday.", "The museum is closed all week.", 2),
    ("She finished the marathon in just under four hours.", "She completed the marathon.", 0),
    ("She finished the marathon in just under four hours.", "She trained for the race for a year.", 1),
    (
        "She finished the marathon in just under four hours.",
        "She dropped out halfway through the marathon.",
        2,
    ),
    ("The committee postponed the vote until next month.", "The vote did not take place as planned.", 0),
    (
        "The committee postponed the vote until next month.",
        "The committee members disagree about the proposal.",
        1,
    ),
    ("The committee postponed the vote until next month.", "The committee voted yesterday.", 2),
    (
        "uh i think we ended up selling the old truck to my cousin",
        "The speaker's family no longer has the old truck.",
        0,
    ),
    (
        "uh i think we ended up selling the old truck to my cousin",
        "The cousin paid a fair price for the truck.",
        1,
    ),
    (
        "uh i think we ended up selling the old truck to my cousin",
        "The speaker still drives the old truck every day.",
        2,
    ),
    ("Most of the village was rebuilt after the flood of 1953.", "There was a flood in 1953.", 0),
    ("Most of the village was rebuilt after the flood of 1953.", "The flood killed many people.", 1),
    ("Most of the village was rebuilt after the flood of 1953.", "The village has never flooded.", 2),
    (
        "The new policy applies only to employees hired after January.",
        "Some employees are not covered by the new policy.",
        0,
    ),
    (
        "The new policy applies only to employees hired after January.",
        "The company hired many people after January.",
        1,
    ),
    (
        "The new policy applies only to employees hired after January.",
        "The policy applies to every employee.",
        2,
    ),
    ("He poured the coffee and sat by the window to read.", "He had coffee.", 0),
    ("He poured the coffee and sat by the window to read.", "He was reading a mystery novel.", 1),
    ("He poured the coffee and sat by the window to read.", "He never drinks coffee.", 2),
    ("Tickets for the concert sold out within an hour.", "The concert was popular.", 0),
    ("Tickets for the concert sold out within an hour.", "The band will add a second show.", 1),
    ("Tickets for the concert sold out within an hour.", "Plenty of tickets are still available.", 2),
    (
        "The bridge was closed for repairs during the whole summer.",
        "The bridge could not be used in summer.",
        0,
    ),
    ("The bridge was closed for repairs during the whole summer.", "The repairs cost more than expected.", 1),
    (
        "The bridge was closed for repairs during the whole summer.",
        "Traffic crossed the bridge normally all summer.",
        2,
    ),
    ("Our team won the final by two goals.", "Our team scored at least two goals.", 0),
    ("Our team won the final by two goals.", "The final was played in the rain.", 1),
    ("Our team won the final by two goals.", "Our team lost the final.", 2),
]

# ----------------------------------------------------------------------------- GLUE QNLI
# (question, sentence, label) with 0 = entailment (the sentence answers), 1 = not_entailment.
QNLI = [
    (
        "When was the Eiffel Tower completed?",
        "The Eiffel Tower was completed in 1889 for the World's Fair.",
        0,
    ),
    ("When was the Eiffel Tower completed?", "The Eiffel Tower is repainted every seven years.", 1),
    (
        "What is the capital of Australia?",
        "Canberra was chosen as the capital of Australia as a compromise between Sydney and Melbourne.",
        0,
    ),
    ("What is the capital of Australia?", "Sydney is the largest city in Australia.", 1),
    (
        "Who wrote the novel Frankenstein?",
        "Frankenstein was written by Mary Shelley and published in 1818.",
        0,
    ),
    ("Who wrote the novel Frankenstein?", "The novel has been adapted into many films.", 1),
    ("How many moons does Mars have?", "Mars has two small moons, Phobos and Deimos.", 0),
    (
        "How many moons does Mars have?",
        "Mars is often called the Red Planet because of iron oxide on its surface.",
        1,
    ),
    (
        "What gas do plants absorb during photosynthesis?",
        "During photosynthesis, plants take in carbon dioxide and release oxygen.",
        0,
    ),
    (
        "What gas do plants absorb during photosynthesis?",
        "Photosynthesis mostly takes place in the leaves.",
        1,
    ),
    ("Which river flows through Cairo?", "Cairo lies on the banks of the Nile.", 0),
    ("Which river flows through Cairo?", "Cairo is the largest city in the Arab world.", 1),
    (
        "What language is spoken in Brazil?",
        "Portuguese is the official and most widely spoken language of Brazil.",
        0,
    ),
    ("What language is spoken in Brazil?", "Brazil is the largest country in South America.", 1),
    (
        "Who painted the Mona Lisa?",
        "The Mona Lisa was painted by Leonardo da Vinci in the early sixteenth century.",
        0,
    ),
    ("Who painted the Mona Lisa?", "The painting hangs in the Louvre behind bulletproof glass.", 1),
    (
        "What is the boiling point of water at sea level?",
        "At sea level, water boils at 100 degrees Celsius.",
        0,
    ),
    (
        "What is the boiling point of water at sea level?",
        "Water covers about 71 percent of the Earth's surface.",
        1,
    ),
    ("When did the Berlin Wall fall?", "The Berlin Wall fell on 9 November 1989.", 0),
    ("When did the Berlin Wall fall?", "Parts of the wall are now displayed in museums around the world.", 1),
    (
        "What does a seismometer measure?",
        "A seismometer records the motion of the ground during earthquakes.",
        0,
    ),
    ("What does a seismometer measure?", "Japan operates one of the densest seismic networks.", 1),
    ("Which planet is closest to the Sun?", "Mercury is the smallest planet and the closest to the Sun.", 0),
    ("Which planet is closest to the Sun?", "Venus is the hottest planet in the solar system.", 1),
]

# ----------------------------------------------------------------------------- GLUE STS-B
# (sentence1, sentence2, label) with label the mean human similarity in [0, 5].
STSB = [
    ("A man is playing a guitar.", "A man plays the guitar.", 5.0),
    ("A woman is slicing an onion.", "A woman is cutting an onion.", 4.8),
    ("A dog is running in the grass.", "A dog runs across a field.", 4.2),
    ("A child is riding a bicycle.", "A kid rides a bike down the street.", 4.4),
    ("The stock market fell sharply on Monday.", "Shares dropped steeply at the start of the week.", 4.0),
    ("Two men are playing chess.", "Two people are playing a board game.", 3.4),
    ("A cat is sleeping on the sofa.", "A cat is lying on a couch.", 3.8),
    ("A man is cooking pasta.", "A man is eating pasta.", 2.4),
    ("The president visited the factory.", "The president gave a speech in the capital.", 1.2),
    ("A woman is swimming in the pool.", "A man is reading a newspaper.", 0.0),
    ("The train was delayed by snow.", "Heavy snow held up the train.", 4.6),
    ("A boy is kicking a ball.", "A boy is throwing a ball.", 2.8),
    ("The company reported record profits.", "The firm announced its highest earnings ever.", 4.5),
    ("Birds are flying over the lake.", "Fish are swimming in the lake.", 1.4),
    ("A man is climbing a rock wall.", "A person climbs a cliff.", 3.6),
    ("The meeting has been cancelled.", "The meeting will go ahead as planned.", 1.0),
    ("A girl is brushing her hair.", "A girl is combing her hair.", 4.2),
    ("Oil prices rose for a third day.", "Crude prices climbed again on Wednesday.", 3.2),
    ("A man is playing the piano.", "A man is playing the drums.", 2.0),
    ("The children are building a sandcastle.", "Kids are making a castle out of sand.", 4.9),
    ("A plane is taking off.", "An airplane is departing from the runway.", 4.7),
    ("The river flooded the town.", "The town held its annual festival.", 0.4),
    ("A woman is peeling a potato.", "A woman is peeling an apple.", 2.6),
    ("The senator resigned after the scandal.", "The senator stepped down following the controversy.", 4.8),
]


def mnli_rows() -> list[dict]:
    return [{"premise": p, "hypothesis": h, "label": y, "idx": i} for i, (p, h, y) in enumerate(MNLI)]


def qnli_rows() -> list[dict]:
    return [{"question": q, "sentence": s, "label": y, "idx": i} for i, (q, s, y) in enumerate(QNLI)]


def stsb_rows() -> list[dict]:
    return [{"sentence1": a, "sentence2": b, "label": y, "idx": i} for i, (a, b, y) in enumerate(STSB)]


def sst2_rows() -> list[dict]:
    return [{"sentence": s, "label": y, "idx": i} for i, (s, y) in enumerate(SST2)]


# ----------------------------------------------------------------------------- CoNLL-2003
# Sentences with entities marked [TYPE words]; converted to the hub's tokens + BIO ner_tags ids.
CONLL_TAG_IDS = {tag: i for i, tag in enumerate(CONLL_TAGS)}
CONLL = [
    "[ORG EU] rejects [MISC German] call to boycott [MISC British] lamb .",
    "[PER Peter Blackburn]",
    "[LOC BRUSSELS] 1996-08-22",
    "[PER Angela Merkel] met [PER Emmanuel Macron] in [LOC Paris] on Tuesday .",
    "Shares in [ORG Volkswagen] rose 3 percent in [LOC Frankfurt] trading .",
    "[ORG Manchester United] beat [ORG Arsenal] 2-1 at [LOC Old Trafford] .",
    "The [ORG United Nations] sent aid to [LOC Haiti] after the storm .",
    "[PER Serena Williams] won her first-round match in [LOC Melbourne] .",
    "Police said the two men were arrested near the border .",
    "[ORG Reuters] reported that [PER Jeff Bezos] sold more [ORG Amazon] stock .",
    "[LOC Tokyo] stocks closed higher on Friday , led by exporters .",
    "[PER Lionel Messi] scored twice as [ORG Inter Miami] won in [LOC Florida] .",
    "The [ORG World Health Organization] said cases fell in [LOC Brazil] and [LOC Peru] .",
    "[PER John Smith] , a spokesman for [ORG Shell] , declined to comment .",
    "Rain delayed play for two hours on the opening day .",
    "[ORG Toyota] will build a new plant in [LOC Kentucky] , [PER Akio Toyoda] said .",
    "[LOC Kenya] and [LOC Uganda] signed a trade agreement in [LOC Nairobi] .",
    "[PER Marie Curie] worked at the [ORG University of Paris] for many years .",
    "[ORG NASA] launched the probe from [LOC Cape Canaveral] .",
    "The [MISC Olympic] torch arrived in [LOC Athens] on Sunday .",
    "[PER Nelson Mandela] was released from prison in 1990 .",
    "[ORG Microsoft] and [ORG Google] face new rules in the [ORG European Union] .",
]


def _bio(sentence: str) -> tuple[list[str], list[int]]:
    tokens: list[str] = []
    tags: list[int] = []
    kind = ""
    first = False
    for word in sentence.split():
        if word.startswith("["):
            kind, first = word[1:], True
            continue
        end = word.endswith("]") and kind
        word = word[:-1] if end else word
        tokens.append(word)
        tags.append(CONLL_TAG_IDS[f"{'B' if first else 'I'}-{kind}"] if kind else 0)
        first = False
        if end:
            kind = ""
    return tokens, tags


def conll2003_rows() -> list[dict]:
    rows = []
    for i, sentence in enumerate(CONLL):
        tokens, tags = _bio(sentence)
        rows.append({"id": str(i), "tokens": tokens, "ner_tags": tags})
    return rows


# ----------------------------------------------------------------------------- SQuAD v2
# (title, context, [(question, answer or None)]); an answer is an excerpt of the context, None = unanswerable.
SQUAD = [
    (
        "Amazon_rainforest",
        "The Amazon rainforest covers much of the Amazon basin of South America. The basin "
        "encompasses seven million square kilometres, of which five and a half million are covered by the forest. "
        "The majority of the forest is contained within Brazil, with 60% of the rainforest.",
        [
            ("Which country contains most of the Amazon rainforest?", "Brazil"),
            ("How much of the basin is covered by forest?", "five and a half million"),
            ("When was the Amazon rainforest first mapped by satellite?", None),
        ],
    ),
    (
        "Photosynthesis",
        "Photosynthesis is the process used by plants and other organisms to convert light energy "
        "into chemical energy. Most plants, algae and cyanobacteria perform photosynthesis, and they release oxygen "
        "as a by-product.",
        [
            ("What do plants release as a by-product of photosynthesis?", "oxygen"),
            ("What kind of energy does photosynthesis convert light into?", "chemical energy"),
            ("How many species of algae are there?", None),
        ],
    ),
    (
        "Great_Wall",
        "The Great Wall of China is a series of fortifications built across the historical northern "
        "borders of ancient Chinese states. Several walls were built from as early as the 7th century BC, and the "
        "best-known sections were built by the Ming dynasty.",
        [
            ("Who built the best-known sections of the Great Wall?", "the Ming dynasty"),
            ("From which century were the earliest walls built?", "the 7th century BC"),
            ("How many tourists visit the wall each year?", None),
        ],
    ),
    (
        "Penicillin",
        "Penicillin was discovered in 1928 by the Scottish scientist Alexander Fleming, who noticed "
        "that a mould had killed bacteria in one of his culture plates. Mass production began during the Second "
        "World War.",
        [
            ("Who discovered penicillin?", "Alexander Fleming"),
            ("In what year was penicillin discovered?", "1928"),
            ("When did mass production of penicillin begin?", "during the Second World War"),
            ("How much did the first dose of penicillin cost?", None),
        ],
    ),
    (
        "Danube",
        "The Danube is the second-longest river in Europe, after the Volga. It flows through much of "
        "Central and Southeastern Europe, from the Black Forest in Germany into the Black Sea.",
        [
            ("Which river in Europe is longer than the Danube?", "the Volga"),
            ("Where does the Danube end?", "the Black Sea"),
            ("Which bridge over the Danube is the oldest?", None),
        ],
    ),
    (
        "Honeybee",
        "A honeybee colony usually has one queen, a few hundred drones and tens of thousands of worker "
        "bees. Workers gather nectar and pollen, and they communicate the location of flowers through a waggle "
        "dance.",
        [
            ("How many queens does a colony usually have?", "one"),
            ("How do workers communicate the location of flowers?", "through a waggle dance"),
            ("How long does a drone live?", None),
        ],
    ),
    (
        "Telescope",
        "The Hubble Space Telescope was launched into low Earth orbit in 1990 and remains in operation. "
        "Its four main instruments observe in the ultraviolet, visible and near-infrared regions of the spectrum.",
        [
            ("When was the Hubble Space Telescope launched?", "1990"),
            ("How many main instruments does Hubble have?", "four"),
            ("Who was the first director of the Hubble programme?", None),
        ],
    ),
]


def squad_v2_rows() -> list[dict]:
    rows = []
    for title, context, qas in SQUAD:
        for question, answer in qas:
            if answer is not None and answer not in context:
                raise ValueError(f"answer {answer!r} is not an excerpt of the {title} context")
            answers = (
                {"text": [answer], "answer_start": [context.index(answer)]}
                if answer is not None
                else {"text": [], "answer_start": []}
            )
            rows.append(
                {
                    "id": f"{title}-{len(rows)}",
                    "title": title,
                    "context": context,
                    "question": question,
                    "answers": answers,
                }
            )
    return rows


# ----------------------------------------------------------------------------- XSum
# (document, summary): a short news article and its one-sentence summary.
XSUM = [
    (
        "The city council voted on Tuesday to extend the cycle lane network by 40 kilometres over the next three "
        "years. Officials said the plan would cost about 12 million pounds and would be funded partly by a "
        "national transport grant. Local businesses had raised concerns about parking.",
        "A city's cycle lane network is to be extended by 40km in a three-year plan.",
    ),
    (
        "A rare white stork has been spotted nesting in a Norfolk village for the first time in more than 600 "
        "years. Volunteers from a reintroduction project said the pair had built a nest on a church roof and were "
        "expected to lay eggs within weeks.",
        "White storks are nesting in Norfolk for the first time in six centuries.",
    ),
    (
        "The country's largest steelworks will cut 2,000 jobs as it switches from blast furnaces to electric arc "
        "furnaces, its owners announced. Unions called the decision a betrayal and said they would ballot members "
        "on strike action.",
        "A steelworks is to cut 2,000 jobs as it moves to electric furnaces.",
    ),
    (
        "Scientists have found that a common garden weed can absorb heavy metals from contaminated soil. The "
        "research team said the plant could offer a cheap way of cleaning former industrial sites, although "
        "large field trials are still needed.",
        "A garden weed could help clean soil polluted with heavy metals, researchers say.",
    ),
    (
        "The national rugby team has named an uncapped 19-year-old fly-half in its squad for the autumn "
        "internationals. The head coach said the player had been outstanding for his club this season.",
        "An uncapped teenager has been named at fly-half in the autumn rugby squad.",
    ),
    (
        "A library that closed five years ago because of funding cuts has reopened after volunteers raised more "
        "than 80,000 pounds. The building now also houses a cafe and a children's play area.",
        "A library shut by funding cuts has reopened thanks to volunteers.",
    ),
    (
        "Heavy rain has caused flooding across the region, with more than 200 homes evacuated overnight. The "
        "Environment Agency issued 15 severe flood warnings and said river levels would keep rising until Friday.",
        "More than 200 homes have been evacuated after heavy rain caused flooding.",
    ),
    (
        "The price of a first-class stamp will rise by 10p next month, the postal service has confirmed. It said "
        "the increase was needed because of falling letter volumes and rising costs.",
        "First-class stamps are to go up by 10p.",
    ),
    (
        "A teenager has become the youngest person to row solo across the Atlantic, arriving in Antigua after 58 "
        "days at sea. She said the hardest part had been the storms in the second week.",
        "A teenager has become the youngest person to row alone across the Atlantic.",
    ),
    (
        "The hospital trust has apologised after a computer failure led to thousands of appointments being "
        "cancelled. Patients are being contacted to rebook, and an investigation into the outage is under way.",
        "A hospital trust has apologised after an IT failure cancelled thousands of appointments.",
    ),
    (
        "An ancient Roman mosaic has been uncovered beneath a farmer's field during work to lay a new water pipe. "
        "Archaeologists said it was one of the best-preserved mosaics found in the country in decades.",
        "A well-preserved Roman mosaic has been found under a farmer's field.",
    ),
    (
        "The football club has sacked its manager after a run of nine games without a win left it bottom of the "
        "table. The assistant manager will take charge of the team for Saturday's match.",
        "A football club bottom of the league has sacked its manager.",
    ),
    (
        "A new law will ban the sale of energy drinks to under-16s from next year. Ministers said the drinks were "
        "linked to poor sleep and concentration among young people.",
        "Energy drinks are to be banned for under-16s from next year.",
    ),
    (
        "Bus fares in the county will be capped at two pounds a journey from April under a scheme funded by the "
        "regional authority. Operators said they expected passenger numbers to rise.",
        "Bus fares are to be capped at two pounds a journey.",
    ),
    (
        "A museum has returned a set of bronze sculptures to Nigeria, more than a century after they were taken "
        "by British soldiers. The handover ceremony was attended by members of the royal court of Benin.",
        "A museum has returned bronze sculptures taken from Nigeria over a century ago.",
    ),
    (
        "The airport has announced plans for a second runway, saying it would double capacity by 2040. "
        "Campaigners said the expansion would increase noise and carbon emissions.",
        "An airport has unveiled plans for a second runway.",
    ),
    (
        "A family has been reunited with their cat eleven years after it disappeared, thanks to a microchip. The "
        "animal was found 300 miles from home and taken to a vet, who scanned the chip.",
        "A cat missing for eleven years has been reunited with its owners.",
    ),
    (
        "Unemployment fell to 3.9 percent in the three months to June, official figures show. Wage growth also "
        "slowed, easing pressure on the central bank to raise interest rates again.",
        "Unemployment has fallen to 3.9 percent.",
    ),
    (
        "The island's only ferry has been withdrawn for emergency repairs, leaving residents without a service "
        "for at least a week. A replacement vessel is being sought.",
        "An island has been left without its ferry service during emergency repairs.",
    ),
    (
        "Researchers have developed a blood test that could detect some cancers years before symptoms appear. "
        "The test looks for fragments of tumour DNA and will now be trialled in 10,000 patients.",
        "A blood test that may spot cancers years early is to be trialled.",
    ),
]


def xsum_rows() -> list[dict]:
    return [{"document": d, "summary": s, "id": str(30000000 + i)} for i, (d, s) in enumerate(XSUM)]


# ----------------------------------------------------------------------------- Alpaca-GPT4
_ALPACA_PREAMBLE = "Below is an instruction that describes a task"


def _alpaca_text(instruction: str, input_: str, output: str) -> str:
    """vicgalle/alpaca-gpt4's `text` column: the Stanford Alpaca training prompt with the answer."""
    if input_:
        return (
            f"{_ALPACA_PREAMBLE}, paired with an input that provides further context. Write a response that "
            f"appropriately completes the request.\n\n### Instruction:\n{instruction}\n\n### Input:\n{input_}"
            f"\n\n### Response:\n{output}"
        )
    return (
        f"{_ALPACA_PREAMBLE}. Write a response that appropriately completes the request.\n\n"
        f"### Instruction:\n{instruction}\n\n### Response:\n{output}"
    )


def alpaca_gpt4_rows() -> list[dict]:
    """The hub schema (instruction, input, output, text) plus the `category` of paper A.1."""
    return [
        {"instruction": i, "input": x, "output": o, "text": _alpaca_text(i, x, o), "category": category}
        for category, rows in ALPACA.items()
        for i, x, o in rows
    ]


WRITERS: dict[str, Callable[[], list[dict]]] = {
    "sst2": sst2_rows,
    "mnli": mnli_rows,
    "qnli": qnli_rows,
    "stsb": stsb_rows,
    "conll2003": conll2003_rows,
    "squad_v2": squad_v2_rows,
    "xsum": xsum_rows,
    "alpaca_gpt4": alpaca_gpt4_rows,
}


def write_all(out_dir: Path = SMOKE_DIR) -> dict[str, int]:
    """Write every ``<source>.jsonl``; returns the row count per source."""
    counts = {}
    for name, make in WRITERS.items():
        rows = make()
        lines = [json.dumps(r, ensure_ascii=False, sort_keys=True) for r in rows]
        (out_dir / f"{name}.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
        counts[name] = len(rows)
    return counts


if __name__ == "__main__":
    for source, n in write_all().items():
        print(f"{source}: {n} rows")
