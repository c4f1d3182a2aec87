"""Hand-written core posts and comments of the two demo blogs (our own text, invented people)."""

from __future__ import annotations

from dataclasses import dataclass

# One comment: (key, parent key or None, author, minutes after the post, flags, text).
# Flags: "A" the post's author, "D" removed by its author, "P" pingback, "U" a registered user.
# Paragraphs in the text are separated by a blank line ("\n\n").
CommentSpec = tuple[str, str | None, str, int, str, str]


@dataclass(frozen=True, slots=True)
class PostSpec:
    """A post as written: local publication time in the blog's zone, text, labels, comments."""

    slug: str
    title: str
    local_time: str  # "YYYY-MM-DD HH:MM" in the blog's time zone
    labels: tuple[str, ...]
    paragraphs: tuple[str, ...]
    comments: tuple[CommentSpec, ...]
    author: str = ""  # empty: the blog's main author
    filler: int = 0  # generated top-level comments appended (each may get a reply or two)


# fmt: off
BLOGGER_POSTS: tuple[PostSpec, ...] = (
    PostSpec(
        slug="sunrise-on-hollow-ridge",
        title="Sunrise on Hollow Ridge (and the oatmeal that saved it)",
        local_time="2023-06-18 19:42",
        labels=("Hiking", "Trail Breakfasts"),
        paragraphs=(
            "We left the trailhead at 3:40 in the morning with headlamps, two thermoses and a "
            "stubborn belief that the clouds would lift. They did, eventually, twenty minutes "
            "after the sun had already done its thing.",
            "The ridge itself is an easy grade for the first four miles. After the old mine "
            "shaft the path narrows and the talus starts; take it slowly, the rocks wobble.",
            "Breakfast was steel-cut oats soaked overnight in a jar, warmed on the stove with "
            "a spoon of peanut butter and a handful of dried sour cherries. Recipe card below.",
        ),
        comments=(
            ("a", None, "Teodor Brandt", 95, "",
             "Those cherries are a great idea. I always pack raisins and always regret it."),
            ("b", "a", "Maren Okafor", 160, "A",
             "Raisins are the trail equivalent of a participation trophy. Try dried apricot!"),
            ("c", "a", "Teodor Brandt", 305, "",
             "Apricots it is. Reporting back after the weekend."),
            ("d", None, "Linh Nguyễn", 420, "",
             "Cảnh bình minh đẹp quá! Mình cũng muốn thử cung đường này vào mùa thu."),
            ("e", "d", "Maren Okafor", 512, "A",
             "Cảm ơn Linh! Late September is lovely up there, the aspens turn gold."),
            ("f", None, "Owen Hartley", 700, "D", "This comment has been removed by the author."),
            ("g", None, "Heike Sommerfeld", 1450, "",
             "Wunderschöne Fotos. Wie lange habt ihr für den Abstieg gebraucht? Meine Knie "
             "fragen schon jetzt."),
            ("h", "g", "Maren Okafor", 1502, "A",
             "About two and a half hours down, with a long lunch at the saddle. Poles help!"),
            ("i", "g", "Heike Sommerfeld", 1610, "", "Danke! Stöcke sind schon eingepackt."),
            ("j", None, "Ravi Iyer", 2900, "",
             "Is there water after the mine shaft, or do you carry everything from the car?"),
            ("k", "j", "Maren Okafor", 3020, "A",
             "One spring at mile 5, but it dries up by August. Carry it all to be safe."),
            ("l", None, "Sam Whitfield", 4400, "", "3:40 am. Respect. I would still be asleep."),
            ("m", None, "Ayşe Kaplan", 9000, "", "Saved the oats recipe 🏔️🥣 thank you!"),
            ("n", "f", "Teodor Brandt", 9100, "",
             "Whoever that was, I want to know what they said."),
            # The tail of comment spam real blogs collect (our own words): praise that fits any
            # post, in several languages, under a keyword name, ending in a shop's address.
            ("s1", None, "jasa pembuatan website murah", 20100, "",
             "Artikel yang sangat bagus dan bermanfaat, terima kasih sudah berbagi informasi "
             "ini.\n\nhttps://website-murah.example.net/jasa-pembuatan-website"),
            ("s2", None, "dịch vụ chuyển nhà giá rẻ tại hà nội", 20500, "",
             "Bài viết rất hay và hữu ích, cảm ơn bạn đã chia sẻ.\n\n"
             "https://chuyennha-giare.example.net/"),
            ("s3", None, "cheap prepaid sim numbers online", 21400, "",
             "Great article, I learned a lot reading it. Keep up the good work!\n\n"
             "https://sim-numbers.example.net/cheap-prepaid"),
        ),
    ),
    PostSpec(
        slug="green-chile-stew-at-altitude",
        title="Green chile stew at nine thousand feet",
        local_time="2023-09-02 17:05",
        labels=("Camp Cooking", "Recipes"),
        paragraphs=(
            "Water boils at a lower temperature up here, which is the polite way of saying "
            "that your potatoes will take forever. Cut them small.",
            "I brown the pork at home and freeze it flat in a bag; by the second night it has "
            "thawed in the pack and goes straight into the pot with the roasted chiles.",
            "A squeeze of lime at the end wakes everything up. Tortillas keep for days.",
        ),
        comments=(
            ("a", None, "Pilar Montoya", 80, "",
             "My grandmother would approve of the lime. She would not approve of the bag."),
            ("b", "a", "Maren Okafor", 140, "A", "Tell her the bag is a modern heirloom."),
            ("c", None, "高橋 健太", 300, "",
             "標高が高いとお湯の温度が低いのですね。"
             "ジャガイモを小さく切るのは良い考えです。"),
            ("d", "c", "Maren Okafor", 380, "A", "ありがとう! Yes, small cubes and a lid."),
            ("e", None, "Ravi Iyer", 1000, "",
             "How hot were the chiles? Asking for a friend who is me."),
            ("f", "e", "Maren Okafor", 1090, "A",
             "Medium. The hot ones went into the salsa for the brave."),
            ("g", "e", "Pilar Montoya", 1200, "", "The brave include me. Send salsa."),
            ("h", None, "Jonah Price", 2300, "",
             "Did you use a pressure cooker? I have a tiny one that weighs almost nothing."),
            ("i", "h", "Maren Okafor", 2400, "A",
             "No, just a pot with a heavy lid. A tiny pressure cooker sounds like a dream."),
            ("j", None, "Anonymous", 5000, "", "Made this at home in the oven. Still great."),
            ("k", None, "Fatima Al-Sayed", 7300, "",
             "وصفة رائعة! سأجربها في رحلتنا القادمة إلى الجبال."),
            ("l", "k", "Maren Okafor", 7420, "A", "شكرا Fatima! Enjoy the mountains."),
        ),
    ),
    PostSpec(
        slug="three-day-loop-packing-list",
        title="What went into the pack for the three-day loop",
        local_time="2024-02-11 09:15",
        labels=("Hiking", "Gear"),
        paragraphs=(
            "Every year I swear I will pack lighter and every year the cheese wins. Here is "
            "the honest list, including the things I did not use.",
            "Unused: the second fleece, the camp shoes, the fancy coffee grinder. Used "
            "constantly: the sit pad, the spare socks, the little notebook.",
        ),
        comments=(
            ("a", None, "Sam Whitfield", 200, "", "The cheese always wins. That is the law."),
            ("b", None, "Greta Lindqvist", 900, "",
             "Which sit pad do you use? Mine is a square of old foam mat."),
            ("c", "b", "Maren Okafor", 1000, "A",
             "Same! A square cut from a dead sleeping pad. Best gear is free gear."),
            ("d", None, "Teodor Brandt", 1500, "",
             "The notebook is underrated. I write down every campsite and the water sources."),
            ("e", "d", "Linh Nguyễn", 1600, "", "Mình cũng vậy, notebook luôn đi cùng mình."),
            ("f", None, "Owen Hartley", 3000, "",
             "Controversial: the coffee grinder is essential and I will die on this hill."),
            ("g", "f", "Maren Okafor", 3100, "A", "Which hill? We can hike to it."),
            ("h", "f", "Sam Whitfield", 3300, "", "☕ ⛰️ team grinder over here."),
            ("i", None, "Heike Sommerfeld", 6000, "",
             "Ich nehme immer zu viele Socken mit. Lieber zu viele als zu wenige!"),
            ("j", None, "Ravi Iyer", 8000, "", "Total weight with food and water?"),
        ),
    ),
    PostSpec(
        slug="campfire-dutch-oven-bread",
        title="Bread in a dutch oven over coals",
        local_time="2024-05-26 20:30",
        labels=("Camp Cooking",),
        paragraphs=(
            "Coals on the lid, fewer underneath, and turn the pot a quarter every ten minutes. "
            "That is the whole secret, the rest is patience and a good glove.",
        ),
        comments=(
            ("a", None, "Pilar Montoya", 600, "", "The crust in the second photo! 😍"),
            ("b", "a", "Maren Okafor", 700, "A", "It was loud when I cut it. Best sound."),
            ("c", None, "Owen Hartley", 2000, "", "How many coals on top, roughly?"),
        ),
    ),
)


WORDPRESS_POSTS: tuple[PostSpec, ...] = (
    PostSpec(
        slug="welcome-to-tinkerers-corner",
        title="Welcome to Tinkerers’ Corner",
        local_time="2023-03-04 10:00",
        labels=("News",),
        paragraphs=(
            "The Riverside Makerspace finally has a blog. Members take turns writing about "
            "repairs, workshops and the occasional glorious failure.",
            "Comments are open. Be kind, be specific, and post photos of your soldering.",
        ),
        comments=(
            ("a", None, "Ines Duarte", 50, "", "About time! Congratulations to the whole crew."),
            ("b", "a", "Jonas Albrecht", 90, "AU", "Thanks Ines, you get the next post."),
            ("c", "b", "Ines Duarte", 130, "", "Oh no. What have I done."),
            ("d", None, "Benno Krüger", 300, "",
             "Schön, dass es jetzt einen Blog gibt. Kommt auch ein Kalender für die Kurse?"),
            ("e", "d", "Jonas Albrecht", 360, "AU",
             "Ja, der Kalender kommt nächste Woche, versprochen."),
            ("f", None, "", 1440, "P", "Riverside Makerspace starts a blog | Lantern Street Notes"),
            ("g", None, "Mika Tanaka", 2000, "", "おめでとうございます!楽しみにしています。"),
            ("h", None, "Dara Quinn", 2600, "", "Subscribed. 🎉"),
        ),
    ),
    PostSpec(
        slug="reflowing-a-dead-router",
        title="Reflowing a dead router: a Saturday post-mortem",
        local_time="2023-04-15 14:20",
        labels=("Repair", "Electronics"),
        author="priya",
        paragraphs=(
            "A member brought in a router that had died after a power cut. No lights, no "
            "warmth, nothing. We suspected a cracked solder joint under the main chip.",
            "With the hot air station at 240 °C and plenty of flux we reflowed the package. "
            "The router booted on the first try, which never happens, so of course we did not "
            "trust it and ran it for six hours.",
            "Lesson: measure the rails first. The power regulator turned out to be fine, but "
            "we only knew that because Ines insisted on checking.",
        ),
        comments=(
            ("a", None, "Ines Duarte", 40, "", "For the record: I was right about the rails."),
            ("b", "a", "Priya Raman", 55, "AU", "For the record: yes you were."),
            ("c", "b", "Benno Krüger", 120, "", "Das hätte ich gern als Urkunde an der Wand."),
            ("d", "c", "Ines Duarte", 150, "", "Printing it on the laser cutter tonight."),
            ("e", "d", "Priya Raman", 200, "AU", "Please use the scrap plywood, not the acrylic."),
            ("f", None, "Tobias Wren", 400, "",
             "Reflow fixes are often temporary. Did you check again after a week?"),
            ("g", "f", "Priya Raman", 470, "AU",
             "Good point. It is still running on the shelf, we will report after a month."),
            ("h", "g", "Tobias Wren", 900, "", "Looking forward to it. My bet: two months."),
            ("i", "h", "Jonas Albrecht", 1000, "U", "I will take that bet. Three months."),
            ("j", None, "Nguyễn Thị Hoa", 1500, "",
             "Bài viết rất hay! Nhiệt độ 240 °C có an toàn cho các linh kiện nhựa không?"),
            ("k", "j", "Priya Raman", 1620, "AU",
             "We covered the plastic connectors with kapton tape, they survived fine."),
            ("l", None, "Dara Quinn", 2100, "", "Which flux do you use? Mine always smokes."),
            ("m", "l", "Tobias Wren", 2200, "", "All flux smokes. The trick is a fan."),
            ("n", "m", "Dara Quinn", 2300, "", "Fan acquired 🌀"),
            ("o", None, "Youssef Haddad", 4000, "",
             "تجربة ممتعة. أحيانا تكون المشكلة في المكثفات وليس في اللحام."),
            ("p", "o", "Priya Raman", 4100, "AU", "True, we checked the capacitors too."),
        ),
    ),
    PostSpec(
        slug="printer-queue-shared-calendar",
        title="Why the 3D printer queue moved to a shared calendar",
        local_time="2023-10-07 18:45",
        labels=("Workshop", "3D Printing"),
        filler=30,
        paragraphs=(
            "The paper sign-up sheet next to the printers served us for three years. Then it "
            "got wet, then it got lost, then somebody wrote a twelve-hour print over a "
            "four-hour slot in pencil.",
            "From Monday the queue lives in the shared calendar. Book up to two slots a week; "
            "long prints run overnight and must be booked by 18:00.",
            "We know this will not please everyone. Tell us what breaks.",
        ),
        comments=(
            ("a", None, "Benno Krüger", 30, "", "Endlich. Der Zettel war eine Katastrophe."),
            ("b", "a", "Jonas Albrecht", 60, "AU", "Der Zettel ruhe in Frieden."),
            ("c", None, "Dara Quinn", 90, "",
             "What happens if a print fails at 2 am? Do I lose the rest of the slot?"),
            ("d", "c", "Jonas Albrecht", 120, "AU",
             "The slot stays yours until the morning. Clean the bed before you leave."),
            ("e", "d", "Dara Quinn", 150, "", "Fair."),
        ),
    ),
    PostSpec(
        slug="kettle-descaling-showdown",
        title="Kettle descaling: vinegar vs. citric acid",
        local_time="2024-01-20 11:30",
        labels=("Repair", "Household"),
        paragraphs=(
            "Our kitchen kettle had a crust you could climb. Two members, two methods, one "
            "afternoon. Vinegar left a smell for three days. Citric acid did the job in twenty "
            "minutes and left nothing behind.",
            "Verdict: citric acid, 2 tablespoons per litre, bring to a boil, wait, rinse "
            "twice.",
        ),
        comments=(
            ("a", None, "Mika Tanaka", 60, "", "クエン酸は最高です。うちでも毎月使っています。"),
            ("b", "a", "Jonas Albrecht", 90, "AU", "Monthly! You are very disciplined."),
            ("c", None, "Youssef Haddad", 200, "", "حمض الستريك أفضل بكثير من الخل، أوافق تماما."),
            ("d", None, "Ines Duarte", 260, "", "I miss the vinegar smell. Said no one ever. 🫖"),
            ("e", None, "Tobias Wren", 500, "",
             "Careful with aluminium kettles, acid can pit them."),
            ("f", "e", "Jonas Albrecht", 560, "AU", "Good warning, ours is steel. Added a note."),
            ("g", "f", "Tobias Wren", 600, "", "👍"),
            ("h", None, "Benno Krüger", 800, "", "Zitronensäure, ganz klar. Gut geschrieben!"),
            ("i", None, "", 2000, "P",
             "Weekend links: kettles, rails and resistors | Ohm Sweet Ohm"),
            ("j", None, "Nguyễn Thị Hoa", 3000, "", "Cảm ơn, mình sẽ thử với axit citric."),
        ),
    ),
    PostSpec(
        slug="soldering-night-12",
        title="Soldering night #12: notes and photos",
        local_time="2024-06-13 22:10",
        labels=("Workshop", "Electronics"),
        author="priya",
        paragraphs=(
            "Fourteen people, nine blinking badges, one burnt fingertip (mine). The badge kit "
            "is in the cupboard if you missed the evening.",
        ),
        comments=(
            ("a", None, "Dara Quinn", 20, "", "My badge blinks in the wrong order and I love it."),
            ("b", "a", "Priya Raman", 40, "AU", "That is a feature now."),
            ("c", None, "Jonas Albrecht", 100, "U", "Next one in July? I will bring the snacks."),
            ("d", "c", "Priya Raman", 130, "AU", "July 11. Snacks accepted."),
            ("e", None, "Benno Krüger", 400, "", "Schade, dass ich nicht da war. Nächstes Mal!"),
        ),
    ),
)
# fmt: on


@dataclass(frozen=True, slots=True)
class Change:
    """What happens to one comment between the demo's two runs, found by its post and text."""

    site: str
    slug: str
    text: str
    kind: str  # "edit" (new text), "delete" (its author deletes it), "remove" (it vanishes)
    new_text: str = ""


# Between `blogarchive demo`'s two runs (issue 14: a newcomer sees versions at once): a reader
# edits a comment and a moderator removes another on WordPress, where both happen; on Blogger a
# reader deletes theirs, which Blogger shows as "This comment has been removed by the author."
BETWEEN_RUNS: tuple[Change, ...] = (
    Change("tinkerers", "reflowing-a-dead-router", "Which flux do you use? Mine always smokes.",
           "edit", "Which flux do you use? Mine always smokes.\n\nEdit: it was the cheap "
           "rosin-core solder. The no-clean flux from the cupboard barely smokes at all."),
    Change("tinkerers", "reflowing-a-dead-router", "I will take that bet. Three months.", "remove"),
    Change("switchbacks", "sunrise-on-hollow-ridge", "3:40 am. Respect. I would still be asleep.",
           "delete"),
)  # fmt: skip
