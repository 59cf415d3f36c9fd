# ruff: noqa: E501 -- tables of hand-written example text; one example a line reads best
"""Hand-written Alpaca-style rows for the smoke set: 20 per category of paper A.1.

Each category is built from a small table: one instruction pattern and varied inputs, with outputs
written (or, for arithmetic, computed) here. Rows are (instruction, input, output).
"""

from __future__ import annotations

Row = tuple[str, str, str]

_ANIMALS = [
    ("dolphin", "mammal"),
    ("eagle", "bird"),
    ("salmon", "fish"),
    ("python", "reptile"),
    ("bat", "mammal"),
    ("penguin", "bird"),
    ("shark", "fish"),
    ("iguana", "reptile"),
    ("whale", "mammal"),
    ("ostrich", "bird"),
]
_TONES = [
    ("I can't believe how quickly the support team fixed my problem!", "Positive"),
    ("The package arrived broken and nobody answers my emails.", "Negative"),
    ("The meeting is scheduled for 3 pm on Thursday.", "Neutral"),
    ("This is the best pizza I have had in years.", "Positive"),
    ("The app keeps crashing every time I open it.", "Negative"),
    ("The store opens at nine.", "Neutral"),
    ("What a wonderful surprise, thank you so much!", "Positive"),
    ("I waited two hours and the order was still wrong.", "Negative"),
    ("The report contains four sections.", "Neutral"),
    ("Absolutely loved the concert last night.", "Positive"),
]
CLASSIFY: list[Row] = [
    ("Classify the following animal as a mammal, bird, fish or reptile.", a, f"The {a} is a {c}.")
    for a, c in _ANIMALS
] + [("Classify the sentiment of this sentence as positive, negative or neutral.", t, c) for t, c in _TONES]

_FUNCS = [
    ("returns the sum of a list of numbers", "def total(numbers):\n    return sum(numbers)"),
    ("reverses a string", "def reverse(text):\n    return text[::-1]"),
    ("checks whether a number is even", "def is_even(n):\n    return n % 2 == 0"),
    ("returns the largest element of a list", "def largest(items):\n    return max(items)"),
    (
        "counts the vowels in a string",
        "def count_vowels(text):\n    return sum(1 for c in text.lower() if c in 'aeiou')",
    ),
    (
        "computes the factorial of n",
        "def factorial(n):\n    result = 1\n    for k in range(2, n + 1):\n        result *= k\n    return result",
    ),
    (
        "checks whether a string is a palindrome",
        "def is_palindrome(text):\n    cleaned = ''.join(c.lower() for c in text if c.isalnum())\n"
        "    return cleaned == cleaned[::-1]",
    ),
    (
        "removes duplicates from a list while keeping the order",
        "def unique(items):\n    return list(dict.fromkeys(items))",
    ),
    ("converts Celsius to Fahrenheit", "def to_fahrenheit(celsius):\n    return celsius * 9 / 5 + 32"),
    (
        "returns the n-th Fibonacci number",
        "def fibonacci(n):\n    a, b = 0, 1\n    for _ in range(n):\n        a, b = b, a + b\n    return a",
    ),
]
_SQL = [
    (
        "Write an SQL query that selects all customers from the table below who live in Paris.",
        "Table customers(id, name, city)",
        "SELECT * FROM customers WHERE city = 'Paris';",
    ),
    (
        "Write an SQL query that counts the orders per customer.",
        "Table orders(id, customer_id, amount)",
        "SELECT customer_id, COUNT(*) AS n_orders FROM orders GROUP BY customer_id;",
    ),
    (
        "Explain what this code does.",
        "for i in range(3):\n    print(i)",
        "The loop prints the numbers 0, 1 and 2, one per line.",
    ),
    (
        "Find the bug in this function.",
        "def add(a, b):\n    return a - b",
        "The function subtracts instead of adding. It should return a + b.",
    ),
    (
        "Write a JavaScript function that doubles every number in an array.",
        "",
        "function doubleAll(numbers) {\n  return numbers.map(n => n * 2);\n}",
    ),
    ("Write a bash command that counts the lines in file.txt.", "", "wc -l file.txt"),
    (
        "Convert this Python loop into a list comprehension.",
        "squares = []\nfor x in range(10):\n    squares.append(x * x)",
        "squares = [x * x for x in range(10)]",
    ),
    (
        "What is the time complexity of binary search?",
        "",
        "Binary search runs in O(log n) time, because it halves the search range at every step.",
    ),
    ("Write a regular expression that matches a five-digit ZIP code.", "", r"^\d{5}$"),
    (
        "Write a Python one-liner that reads a file into a list of lines.",
        "",
        "lines = open('file.txt').read().splitlines()",
    ),
]
CODE: list[Row] = [(f"Write a Python function that {what}.", "", code) for what, code in _FUNCS] + _SQL

_PASSAGES = [
    (
        "The Pacific is the largest and deepest of Earth's five oceans. It extends from the Arctic Ocean in the "
        "north to the Southern Ocean in the south.",
        [
            ("Which ocean is the largest?", "The Pacific Ocean."),
            ("What lies to the north of the Pacific?", "The Arctic Ocean."),
        ],
    ),
    (
        "Maria opened her bakery in 2015. She sells sourdough bread, croissants and cinnamon rolls, and the shop "
        "is closed on Mondays.",
        [
            ("When did Maria open her bakery?", "In 2015."),
            ("On which day is the bakery closed?", "On Mondays."),
            ("Name one product the bakery sells.", "Sourdough bread."),
        ],
    ),
    (
        "The train leaves Lyon at 8:10 and arrives in Marseille at 9:50. A second train leaves at 10:30.",
        [
            ("How long is the journey from Lyon to Marseille?", "One hour and forty minutes."),
            ("When does the second train leave?", "At 10:30."),
        ],
    ),
    (
        "Copper is a soft, malleable metal with very high thermal and electrical conductivity. It is used in "
        "electrical wiring and in plumbing.",
        [
            ("What is copper used for?", "Electrical wiring and plumbing."),
            ("Is copper a good conductor of electricity?", "Yes, very good."),
        ],
    ),
    (
        "The festival runs for three days in July. Tickets cost 40 euros per day or 100 euros for the whole "
        "festival.",
        [
            ("How much is a ticket for the whole festival?", "100 euros."),
            ("How long does the festival last?", "Three days."),
            ("In which month is the festival held?", "In July."),
        ],
    ),
    (
        "Jupiter is the fifth planet from the Sun and the largest in the Solar System. It has a Great Red Spot, "
        "a storm larger than Earth.",
        [
            ("Which planet is the largest in the Solar System?", "Jupiter."),
            ("What is the Great Red Spot?", "A storm on Jupiter larger than Earth."),
        ],
    ),
    (
        "Our office moved from Baker Street to 12 King's Road in March. Visitors should use the side entrance.",
        [
            ("Where is the office now?", "At 12 King's Road."),
            ("Which entrance should visitors use?", "The side entrance."),
            ("When did the office move?", "In March."),
        ],
    ),
    (
        "Tom has two sisters, Anna and Lucy. Anna is a doctor and Lucy studies law in Edinburgh.",
        [
            ("What does Lucy study?", "Law."),
            ("What is Anna's job?", "She is a doctor."),
            ("How many sisters does Tom have?", "Two."),
        ],
    ),
]
CONTEXT_ANSWER: list[Row] = [
    (f"Answer the question based on the passage. {q}", passage, a)
    for passage, qas in _PASSAGES
    for q, a in qas
][:20]

_THEMES = [
    "the sea at dawn",
    "a city in the rain",
    "autumn leaves",
    "a lonely lighthouse",
    "the first snow",
    "a cat asleep in the sun",
    "the moon over a lake",
    "a busy market",
    "an old train station",
    "spring blossoms",
]
_HAIKU = [
    "Grey waves wake slowly\nthe sun spills gold on the foam\ngulls call the day in",
    "Umbrellas like blooms\nneon bleeds into puddles\nthe city hums on",
    "Red and amber fall\nthe path remembers summer\ncrunching underfoot",
    "One light on the rock\nsweeping the dark for nobody\nstill it keeps its watch",
    "The world holds its breath\nwhite flakes settle on the roofs\nfootprints tell the rest",
    "Curled in a warm square\nwhiskers twitch at distant birds\nsunlight is her bed",
    "Silver on still glass\nthe moon looks at its double\nneither says a word",
    "Lemons, fish and shouts\ncoins pass from hand to hand fast\nmorning tastes of salt",
    "Clocks that no one reads\nbenches worn by old goodbyes\na whistle, then gone",
    "Pink on every branch\nbees drift from flower to flower\nthe air smells of hope",
]
_STORIES = [
    (
        "a robot who learns to paint",
        "Unit 7 had been built to weld car doors, but one night it dipped a "
        "finger in spilled paint and drew a sun on the factory wall.",
    ),
    (
        "a girl who finds a map in a library book",
        "Between pages 88 and 89 of an old atlas, Mia found a map "
        "drawn in pencil, with an X marked on her own street.",
    ),
    (
        "a dragon afraid of fire",
        "Ember was the only dragon in the valley who sneezed smoke and hid "
        "whenever the others practised their flames.",
    ),
    (
        "a detective on her last day before retirement",
        "Inspector Hale had packed her desk into one box "
        "when the phone rang with a case she could not refuse.",
    ),
    (
        "a town where it never stops raining",
        "In Drizzleford the children had never seen their shadows, "
        "and the bakers sold bread shaped like umbrellas.",
    ),
    (
        "an astronaut who hears music on Mars",
        "On her forty-second day on Mars, Commander Osei heard a melody coming from beneath the red dust.",
    ),
    (
        "a dog that runs for mayor",
        "Nobody knew who had put Biscuit's name on the ballot, but by Friday "
        "the terrier was leading in the polls.",
    ),
    (
        "a clockmaker who can stop time",
        "Every clock in Elias's shop ticked in step, until the morning he "
        "wound the brass one and the whole world froze.",
    ),
    (
        "two rivals stuck in a lift",
        "The lift jolted to a halt between the ninth and tenth floors, leaving "
        "the two chefs alone with a tray of cooling soufflés.",
    ),
    (
        "a garden that grows overnight",
        "When Sam went to bed the yard was bare soil; when he woke, "
        "sunflowers taller than the house were nodding at his window.",
    ),
]
CREATE: list[Row] = [(f"Write a haiku about {t}.", "", h) for t, h in zip(_THEMES, _HAIKU, strict=True)] + [
    (f"Write the opening sentence of a short story about {t}.", "", s) for t, s in _STORIES
]

_EXTRACT_TEXTS = [
    (
        "Please contact anna.berg@example.com or support@example.org for help.",
        "emails",
        "anna.berg@example.com, support@example.org",
    ),
    ("The meeting was moved from 4 March 2024 to 11 March 2024.", "dates", "4 March 2024, 11 March 2024"),
    ("Call us on 555-0134 or 555-0199 during office hours.", "phone numbers", "555-0134, 555-0199"),
    (
        "Ingredients: flour, sugar, two eggs, butter and a pinch of salt.",
        "ingredients",
        "flour, sugar, eggs, butter, salt",
    ),
    (
        "Visit https://example.com/docs and http://test.org for more information.",
        "URLs",
        "https://example.com/docs, http://test.org",
    ),
    (
        "Alice, Bob and Chen joined the project in May; Dana joined in June.",
        "names of people",
        "Alice, Bob, Chen, Dana",
    ),
    ("The flight from London to Tokyo stops in Dubai.", "cities", "London, Tokyo, Dubai"),
    ("Prices: apples $2.50, pears $3.10, grapes $4.00.", "prices", "$2.50, $3.10, $4.00"),
    ("Our team uses Python, Rust and a little Go.", "programming languages", "Python, Rust, Go"),
    (
        "The hike climbs 850 metres over 12 kilometres and takes 5 hours.",
        "numbers with their units",
        "850 metres, 12 kilometres, 5 hours",
    ),
]
_KEYWORDS = [
    (
        "Solar panels convert sunlight into electricity using photovoltaic cells.",
        "solar panels, sunlight, electricity, photovoltaic cells",
    ),
    (
        "Regular exercise improves heart health, mood and sleep quality.",
        "exercise, heart health, mood, sleep",
    ),
    ("The central bank raised interest rates to fight inflation.", "central bank, interest rates, inflation"),
    ("Bees pollinate crops such as apples, almonds and blueberries.", "bees, pollination, crops"),
    ("Remote work has changed how companies hire and manage teams.", "remote work, hiring, team management"),
    (
        "Glaciers are melting faster because of rising global temperatures.",
        "glaciers, melting, global temperatures",
    ),
    ("The museum's new exhibit shows Roman coins and pottery.", "museum, exhibit, Roman coins, pottery"),
    ("Electric cars need charging stations along motorways.", "electric cars, charging stations, motorways"),
    ("Vaccines train the immune system to recognise viruses.", "vaccines, immune system, viruses"),
    ("The novel follows a family across three generations in Lagos.", "novel, family, generations, Lagos"),
]
EXTRACT: list[Row] = [
    (f"Extract all {what} from the text.", text, out) for text, what, out in _EXTRACT_TEXTS
] + [("Extract the keywords from the following sentence.", text, out) for text, out in _KEYWORDS]

_ARITH = [
    (12, 7, 3),
    (25, 4, 10),
    (8, 9, 6),
    (40, 15, 5),
    (7, 6, 11),
    (18, 3, 9),
    (30, 12, 8),
    (9, 9, 9),
    (14, 5, 20),
    (50, 25, 2),
]
_PUZZLES = [
    (
        "If all roses are flowers and some flowers fade quickly, can we conclude that some roses fade quickly?",
        "No. The flowers that fade quickly might not include any roses, so the conclusion does not follow.",
    ),
    ("Which number comes next: 2, 4, 8, 16, ...?", "32. Each number is double the previous one."),
    ("Tom is taller than Sue, and Sue is taller than Max. Who is the shortest?", "Max is the shortest."),
    (
        "A bat and a ball cost $1.10 in total. The bat costs $1.00 more than the ball. How much is the ball?",
        "The ball costs $0.05 and the bat $1.05.",
    ),
    ("If it is Wednesday today, what day will it be in 10 days?", "It will be Saturday."),
    (
        "Which word does not belong: apple, banana, carrot, cherry?",
        "Carrot, because it is a vegetable and the others are fruits.",
    ),
    ("A train travels 60 km in 30 minutes. What is its speed in km per hour?", "120 km per hour."),
    (
        "If some cats are black and all black things absorb heat, do some cats absorb heat?",
        "Yes. The black cats are black things, so they absorb heat.",
    ),
    ("How many minutes are there in 3.5 hours?", "210 minutes."),
    (
        "Anna is twice as old as Ben. Ben is 7. How old will Anna be in 3 years?",
        "Anna is 14 now, so she will be 17 in 3 years.",
    ),
]
LOGIC: list[Row] = [
    (
        f"A shop has {a} boxes with {b} apples each and sells {c} boxes. How many apples are left?",
        "",
        f"{a - c} boxes are left, so {(a - c) * b} apples remain.",
    )
    for a, b, c in _ARITH
] + [(q, "", a) for q, a in _PUZZLES]

_FACTS = [
    ("What is the capital of Canada?", "The capital of Canada is Ottawa."),
    ("Who wrote Pride and Prejudice?", "Jane Austen wrote Pride and Prejudice."),
    ("What is the chemical symbol for gold?", "The chemical symbol for gold is Au."),
    ("How many continents are there?", "There are seven continents."),
    ("What is the largest planet in our solar system?", "Jupiter is the largest planet."),
    ("Who painted The Starry Night?", "Vincent van Gogh painted The Starry Night."),
    ("What is the freezing point of water in Fahrenheit?", "Water freezes at 32 degrees Fahrenheit."),
    ("What language is spoken in Argentina?", "Spanish is the main language of Argentina."),
    ("How many sides does a hexagon have?", "A hexagon has six sides."),
    ("What is the tallest mountain in the world?", "Mount Everest is the tallest mountain above sea level."),
    ("Who developed the theory of relativity?", "Albert Einstein developed the theory of relativity."),
    ("What is the currency of Japan?", "The currency of Japan is the yen."),
    ("Which organ pumps blood through the body?", "The heart pumps blood through the body."),
    ("What is the longest river in Africa?", "The Nile is the longest river in Africa."),
    ("In which year did humans first land on the Moon?", "Humans first landed on the Moon in 1969."),
    ("What is the hardest natural substance?", "Diamond is the hardest natural substance."),
    ("What gas do humans need to breathe?", "Humans need oxygen to breathe."),
    ("Who was the first President of the United States?", "George Washington was the first President."),
    ("What is the square root of 81?", "The square root of 81 is 9."),
    ("Which ocean lies between Europe and North America?", "The Atlantic Ocean."),
]
MEMORY_ANSWER: list[Row] = [(q, "", a) for q, a in _FACTS]

_TOPICS = [
    (
        "photosynthesis",
        "Plants use sunlight, water and carbon dioxide to make sugar for energy, and they release oxygen.",
    ),
    ("inflation", "Inflation is the general rise of prices over time, so the same money buys less."),
    ("the water cycle", "Water evaporates, forms clouds, falls as rain or snow and flows back to the sea."),
    (
        "gravity",
        "Gravity is the force that pulls objects with mass towards each other; it keeps us on the ground.",
    ),
    (
        "how vaccines work",
        "Vaccines show the immune system a harmless part of a germ so it learns to fight the real one.",
    ),
    (
        "blockchain",
        "A blockchain is a shared record of transactions, copied across many "
        "computers, that is very hard to change.",
    ),
    ("the greenhouse effect", "Gases in the air trap heat from the Sun, which warms the Earth."),
    (
        "supply and demand",
        "Prices rise when many people want something scarce and fall when there is plenty of it.",
    ),
    (
        "machine learning",
        "Machine learning lets computers find patterns in examples instead of following hand-written rules.",
    ),
    (
        "the French Revolution",
        "From 1789, the French people overthrew the monarchy and sought liberty, equality and fraternity.",
    ),
]
MEMORY_SUMMARIZE: list[Row] = [(f"Explain {t} in simple terms.", "", a) for t, a in _TOPICS] + [
    (f"Give a one-sentence summary of {t}.", "", a) for t, a in _TOPICS
]

_REWRITES = [
    ("The cat chased the mouse.", "passive voice", "The mouse was chased by the cat."),
    ("The committee approved the budget.", "passive voice", "The budget was approved by the committee."),
    (
        "Hey, can u send me the file asap?",
        "formal English",
        "Could you please send me the file as soon as possible?",
    ),
    ("I ain't got no time for that.", "standard English", "I don't have any time for that."),
    ("The weather was very very cold.", "more concise wording", "The weather was freezing."),
    ("She goed to the store yesterday.", "correct grammar", "She went to the store yesterday."),
    ("We will make a decision about it later.", "more concise wording", "We will decide later."),
    ("The report was written by John.", "active voice", "John wrote the report."),
    ("The dog is big and the dog is friendly.", "one smooth sentence", "The dog is big and friendly."),
    ("It is raining. We stayed home.", "one sentence", "Because it was raining, we stayed home."),
]
_PARAPHRASES = [
    ("The meeting has been postponed.", "The meeting has been put off until later."),
    ("He is very good at playing the piano.", "He plays the piano extremely well."),
    ("The store is closed on Sundays.", "The shop does not open on Sundays."),
    ("She was happy with the result.", "She was pleased with the outcome."),
    ("The project finished ahead of schedule.", "The project was completed early."),
    ("Please turn off the lights when you leave.", "Switch the lights off on your way out, please."),
    ("The book was extremely interesting.", "The book was fascinating."),
    ("Prices went up last month.", "Prices rose last month."),
    ("He didn't arrive on time.", "He was late."),
    ("The test was not difficult.", "The test was easy."),
]
REWRITE: list[Row] = [(f"Rewrite the sentence in {how}.", s, out) for s, how, out in _REWRITES] + [
    ("Paraphrase the following sentence.", s, out) for s, out in _PARAPHRASES
]

_WRITE = [
    (
        "Write a short email asking your manager for a day off next Friday.",
        "",
        "Dear Ms Lee,\n\nCould I take next Friday off? My tasks will be finished by Thursday.\n\nBest regards,"
        "\nSam",
    ),
    (
        "Write a product description for a reusable water bottle.",
        "",
        "Stay hydrated in style: this 750 ml stainless-steel bottle keeps drinks cold for 24 hours.",
    ),
    (
        "Write a tweet announcing a new coffee shop opening.",
        "",
        "Our doors open Saturday at 8! Come try our house roast and get your first coffee free.",
    ),
    (
        "Write a thank-you note to a colleague who helped you with a project.",
        "",
        "Thank you, Priya, for your help with the launch. Your testing caught problems we would have missed.",
    ),
    (
        "Write a short job advertisement for a part-time barista.",
        "",
        "Part-time barista wanted: weekends, friendly team, training provided. Apply in store.",
    ),
    (
        "Write two sentences persuading people to recycle.",
        "",
        "Recycling saves energy and keeps waste out of landfills. Sorting your rubbish takes a minute and "
        "helps for decades.",
    ),
    (
        "Write a reminder message for a dentist appointment.",
        "",
        "Reminder: your dental check-up is on Tuesday at 10:00. Please arrive ten minutes early.",
    ),
    (
        "Write an out-of-office reply.",
        "",
        "I am out of the office until Monday and will reply when I "
        "return. For urgent matters, contact support@example.com.",
    ),
    (
        "Write a short bio for a software engineer.",
        "",
        "Lena is a software engineer who builds reliable data pipelines and enjoys teaching Python.",
    ),
    (
        "Write an apology to a customer whose order was late.",
        "",
        "We are sorry your order arrived late. "
        "We have refunded the delivery fee and added a discount to your next purchase.",
    ),
    (
        "Write a list of three tips for better sleep.",
        "",
        "1. Keep a regular bedtime.\n2. Avoid screens "
        "an hour before bed.\n3. Keep your bedroom cool and dark.",
    ),
    (
        "Write a short speech to welcome new students.",
        "",
        "Welcome! This school is now your school too. Ask questions, make friends and enjoy learning.",
    ),
    (
        "Write a review of a local restaurant.",
        "",
        "Friendly staff, generous portions and the best lasagne in town. Booking is recommended.",
    ),
    (
        "Write an invitation to a birthday party.",
        "",
        "You're invited to Mia's 10th birthday on 5 May at 3 pm at the park. Please RSVP by 1 May.",
    ),
    ("Write a slogan for a bicycle shop.", "", "Ride further, smile wider."),
    (
        "Write a short cover letter opening for a marketing role.",
        "",
        "I am excited to apply for the "
        "Marketing Assistant role, where I can bring three years of social media experience.",
    ),
    (
        "Write instructions for making a cup of tea.",
        "",
        "Boil water, pour it over a tea bag, wait three minutes, remove the bag and add milk if you like.",
    ),
    (
        "Write a notice asking residents to keep the hallway clear.",
        "",
        "Please keep the hallway free of bikes and boxes: it is a fire escape route.",
    ),
    (
        "Write a message congratulating a friend on a new job.",
        "",
        "Congratulations on the new job! They are lucky to have you.",
    ),
    ("Write a short agenda for a team meeting.", "", "1. Updates\n2. Project timeline\n3. Questions"),
]
WRITE: list[Row] = _WRITE

_TEXTS = [
    (
        "The city introduced a bike-sharing scheme last spring. More than 20,000 people signed up in the first "
        "month, and the council plans to double the number of stations next year.",
        "A popular city bike-sharing scheme will double its stations next year.",
    ),
    (
        "Researchers studied 5,000 adults for ten years and found that those who walked daily had a lower risk "
        "of heart disease than those who did not.",
        "Daily walking was linked to a lower risk of heart disease.",
    ),
    (
        "The company's profits fell by 12 percent because of higher energy costs, but sales of its new product "
        "line exceeded expectations.",
        "Profits fell on energy costs, but new products sold well.",
    ),
    (
        "After three days of talks, the two countries agreed to reopen their border and resume trade.",
        "The two countries agreed to reopen their border and trade.",
    ),
    (
        "The library will extend its opening hours during exams and add 100 new study desks.",
        "The library is adding desks and longer hours for exams.",
    ),
    (
        "Volunteers planted 3,000 trees along the river to reduce flooding and provide habitat for birds.",
        "Volunteers planted 3,000 riverside trees against flooding.",
    ),
    (
        "The school banned mobile phones in class. Teachers report fewer distractions and better attention.",
        "A school's phone ban improved attention in class.",
    ),
    (
        "A new study suggests that bilingual children are better at switching between tasks.",
        "Bilingual children may be better at task switching.",
    ),
    (
        "The museum received a donation of 200 paintings, which will go on display in a new wing next year.",
        "A donated collection of 200 paintings will be shown in a new museum wing.",
    ),
    (
        "Due to heavy snow, all flights were cancelled on Monday, and the airport expects delays on Tuesday.",
        "Snow cancelled Monday's flights, with delays expected on Tuesday.",
    ),
    (
        "The town's only cinema has been saved after residents raised funds to buy the building.",
        "Residents raised money to save the town's only cinema.",
    ),
    (
        "Sales of electric cars doubled last year, driven by lower prices and more charging points.",
        "Electric car sales doubled thanks to lower prices and more chargers.",
    ),
    (
        "The team lost its first three matches but won the next ten to top the league.",
        "After a poor start, the team won ten in a row to lead the league.",
    ),
    (
        "Scientists discovered a new species of frog in the rainforest; it is smaller than a fingernail.",
        "A tiny new frog species was found in the rainforest.",
    ),
    (
        "The bakery will close for renovation in August and reopen with a larger seating area.",
        "The bakery closes in August for a renovation and more seating.",
    ),
    (
        "Water use in the region rose by a fifth during the heatwave, prompting a hosepipe ban.",
        "A heatwave drove water use up and led to a hosepipe ban.",
    ),
    (
        "The author's latest novel, set in 1920s Cairo, has been shortlisted for a major prize.",
        "A novel set in 1920s Cairo is shortlisted for a major prize.",
    ),
    (
        "The app update adds dark mode, faster search and offline maps.",
        "The update brings dark mode, faster search and offline maps.",
    ),
    (
        "Ticket prices for public transport will stay the same next year, the mayor announced.",
        "Public transport fares will not rise next year.",
    ),
    (
        "A survey found that most employees prefer a mix of office and home working.",
        "Most employees prefer hybrid working, a survey found.",
    ),
]
SUMMARIZE: list[Row] = [("Summarize the following text in one sentence.", t, s) for t, s in _TEXTS]

_PHRASES = [
    ("Good morning, how are you?", "Bonjour, comment allez-vous ?", "Buenos días, ¿cómo está?"),
    ("Where is the train station?", "Où est la gare ?", "¿Dónde está la estación de tren?"),
    ("I would like a cup of coffee.", "Je voudrais une tasse de café.", "Quisiera una taza de café."),
    ("The weather is nice today.", "Il fait beau aujourd'hui.", "Hoy hace buen tiempo."),
    ("Thank you very much for your help.", "Merci beaucoup pour votre aide.", "Muchas gracias por su ayuda."),
    ("How much does this cost?", "Combien ça coûte ?", "¿Cuánto cuesta esto?"),
    ("My name is Anna.", "Je m'appelle Anna.", "Me llamo Anna."),
    ("The book is on the table.", "Le livre est sur la table.", "El libro está sobre la mesa."),
    ("We are going to the beach tomorrow.", "Nous allons à la plage demain.", "Mañana vamos a la playa."),
    ("I do not understand.", "Je ne comprends pas.", "No entiendo."),
]
TRANSLATE: list[Row] = [
    ("Translate the following sentence into French.", en, fr) for en, fr, _ in _PHRASES
] + [("Translate the following sentence into Spanish.", en, es) for en, _, es in _PHRASES]

_OTHER = [
    (
        "What is the weather in Paris right now?",
        "I can't check live weather. A weather website or app will give the current conditions in Paris.",
    ),
    (
        "Book me a table for two at an Italian restaurant tonight.",
        "I can't make bookings, but you can call the restaurant or use a booking app.",
    ),
    (
        "Send this message to my mother.",
        "I can't send messages; please copy the text into your messaging app.",
    ),
    (
        "What is the current price of Bitcoin?",
        "I don't have live market data; check an exchange for the current price.",
    ),
    ("Play my favourite song.", "I can't play audio, but a music app can."),
    ("Set an alarm for 7 am.", "I can't set alarms; please use the clock app on your phone."),
    (
        "Show me a photo of the Eiffel Tower.",
        "I can't display images, but an image search will show many photos.",
    ),
    ("What did I have for breakfast?", "I have no way of knowing what you ate."),
    ("Order a pizza to my house.", "I can't place orders; a delivery app can do this for you."),
    ("Turn on the living room lights.", "I can't control devices; use your smart-home app."),
    (
        "Who won yesterday's football match?",
        "I don't have access to recent results; a sports site will have them.",
    ),
    ("Call a taxi for me.", "I can't make calls; please use a taxi app or phone a local company."),
    ("Read my latest email.", "I can't access your email account."),
    (
        "Check if my package has been delivered.",
        "I can't track parcels; use the tracking number on the courier's website.",
    ),
    (
        "Translate what the person next to me is saying.",
        "I can't hear audio around you; you could type the words and I will translate them.",
    ),
    (
        "Find the cheapest flight to Rome next week.",
        "I can't search live fares; try a flight comparison site.",
    ),
    ("Open the door.", "I can't open doors; I can only respond with text."),
    ("Remind me to call Sam tomorrow.", "I can't set reminders; please add one in your calendar."),
    ("What time is it now?", "I don't have access to the current time; your device clock shows it."),
    ("Download this video for me.", "I can't download files."),
]
OTHER: list[Row] = [(q, "", a) for q, a in _OTHER]

ALPACA: dict[str, list[Row]] = {
    "classify": CLASSIFY,
    "code": CODE,
    "context_answer": CONTEXT_ANSWER,
    "create": CREATE,
    "extract": EXTRACT,
    "logic": LOGIC,
    "memory_answer": MEMORY_ANSWER,
    "memory_summarize": MEMORY_SUMMARIZE,
    "rewrite": REWRITE,
    "write": WRITE,
    "summarize": SUMMARIZE,
    "translate": TRANSLATE,
    "other": OTHER,
}
