"""Seeded filler for the demo blogs: extra comments on core posts and extra posts for benches."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime, timedelta

from scraper.demo.stories import CommentSpec, PostSpec

_NAMES = (
    "Alma Reyes", "Bruno Castell", "Chiara Bellini", "Dmitri Volkov", "Eun-ji Park",
    "Farah Nasser", "Gustav Ek", "Hana Kobayashi", "Idris Bello", "Jana Dvořák", "Kofi Mensah",
    "Lena Fischer", "Marco Esposito", "Nadia Petrov", "Oskar Nilsson", "Phương Trần",
    "Quentin Moreau", "Rosa Delgado", "Søren Holm", "Tomás Ruiz", "Uma Krishnan",
    "Viktor Hale", "Wen Li", "Zeynep Arslan", "Anonymous",
)  # fmt: skip


@dataclass(frozen=True, slots=True)
class _Bank:
    """Phrases one blog's readers would plausibly write, combined at random."""

    openers: tuple[str, ...]
    bodies: tuple[str, ...]
    closers: tuple[str, ...]
    replies: tuple[str, ...]
    title_starts: tuple[str, ...]
    title_ends: tuple[str, ...]
    paragraphs: tuple[str, ...]
    labels: tuple[str, ...]


_OUTDOORS = _Bank(
    openers=(
        "Lovely post.",
        "Thanks for this!",
        "Quick question:",
        "Late to this one, but",
        "Bookmarked.",
        "Oh, this brings back memories.",
        "Honest question:",
    ),
    bodies=(
        "how cold did it get at night?",
        "the photos make me want to leave right now.",
        "I tried something similar last spring and the wind nearly took the tent.",
        "do you ever hike this with a dog?",
        "we did the same loop the other way round.",
        "the recipe worked even on my tiny stove.",
        "which map did you use for the route?",
        "I would add a thermos of tea to that list.",
        "the light in the third photo is unreal.",
    ),
    closers=(
        "See you on the trail!",
        "Happy hiking.",
        "Greetings from the coast.",
        "",
        "Keep them coming.",
        "🌲",
        "Cheers!",
    ),
    replies=(
        "Good question, I wondered the same.",
        "Thank you, that helps a lot!",
        "Ha, exactly my experience.",
        "Noted for next time.",
        "Agreed, completely.",
        "That is a great tip, thanks.",
    ),
    title_starts=(
        "Notes from",
        "A wet weekend at",
        "Slow breakfast at",
        "Second try at",
        "Wildflowers along",
        "Snow lingering on",
    ),
    title_ends=(
        "Cutthroat Lake",
        "the Aspen Saddle",
        "Miller's Fork",
        "the east trailhead",
        "Kettle Meadow",
        "Bramble Pass",
        "the old fire road",
    ),
    paragraphs=(
        "The forecast promised sun and delivered drizzle, so we adjusted the plan and"
        " took the lower trail instead.",
        "Lunch was flatbread, hard cheese and the last of the smoked almonds.",
        "The creek crossing was higher than expected; sandals earned their weight.",
        "We camped early and watched the clouds pour over the ridge like milk.",
    ),
    labels=("Hiking", "Camp Cooking", "Trip Reports", "Recipes"),
)

_MAKERS = _Bank(
    openers=(
        "Nice write-up.",
        "Thanks for posting this.",
        "Quick question:",
        "Small addition:",
        "Counterpoint:",
        "Seconded.",
        "From experience:",
    ),
    bodies=(
        "the overnight rule makes sense to me.",
        "could we get a slot for small test prints?",
        "the calendar invite did not reach my inbox.",
        "a label on each printer would help.",
        "we should log failed prints so we see which settings cause them.",
        "two slots a week feels tight during exam season.",
        "the fan trick works for me too.",
        "maybe a short workshop on bed levelling?",
        "I can help set up the reminders.",
    ),
    closers=("", "Thanks to everyone who organised this.", "See you Thursday.", "🙂", "Cheers,"),
    replies=(
        "Agreed.",
        "Good idea, I can help with that.",
        "That happened to me too.",
        "Let us bring it up at the next members meeting.",
        "+1 from me.",
        "Not sure, but worth a try.",
    ),
    title_starts=(
        "Workshop recap:",
        "Repair café:",
        "Member project:",
        "Tool spotlight:",
        "Lessons from",
        "Open evening:",
    ),
    title_ends=(
        "the band saw",
        "a vintage radio",
        "laser cutter settings",
        "the lathe",
        "a wobbly stool",
        "the label printer",
        "LED strip lighting",
    ),
    paragraphs=(
        "Six members turned up, two brought broken things and one brought cake.",
        "We measured everything twice and still cut it wrong once; such is life.",
        "The manual was useless, so we wrote our own one-page guide and pinned it up.",
        "Next time we will book the big table and start half an hour earlier.",
    ),
    labels=("Workshop", "Repair", "Electronics", "Woodwork"),
)


def _bank(platform: str) -> _Bank:
    return _OUTDOORS if platform == "blogger" else _MAKERS


def filler_comments(
    rng: random.Random, platform: str, count: int, post_author: str, *, start: int = 0
) -> tuple[CommentSpec, ...]:
    """`count` generated top-level comments, some with replies (nested on WordPress)."""
    bank = _bank(platform)
    specs: list[CommentSpec] = []
    minute = 180 + start * 37
    for number in range(count):
        key = f"g{start + number}"
        author = rng.choice(_NAMES)
        minute += rng.randint(20, 600)
        text = " ".join(
            part
            for part in (
                rng.choice(bank.openers),
                rng.choice(bank.bodies),
                rng.choice(bank.closers),
            )
            if part
        )
        specs.append((key, None, author, minute, "", text))
        parent = key
        for reply in range(rng.choice((0, 0, 0, 1, 1, 2))):
            by_author = rng.random() < 0.4
            name = post_author if by_author else rng.choice(_NAMES)
            minute += rng.randint(5, 240)
            reply_key = f"{key}r{reply}"
            flags = "A" if by_author else ""
            specs.append((reply_key, parent, name, minute, flags, rng.choice(bank.replies)))
            # WordPress threads nest: a second reply answers the first one.
            if platform == "wordpress":
                parent = reply_key
    return tuple(specs)


def extra_posts(
    rng: random.Random, platform: str, count: int, before: str, post_author: str
) -> tuple[PostSpec, ...]:
    """`count` generated posts, one every 1–3 days going back from `before` ("YYYY-MM-DD HH:MM")."""
    bank = _bank(platform)
    moment = datetime.strptime(before, "%Y-%m-%d %H:%M")
    posts: list[PostSpec] = []
    for number in range(count):
        moment -= timedelta(days=rng.randint(1, 3), minutes=rng.randint(0, 600))
        title = f"{rng.choice(bank.title_starts)} {rng.choice(bank.title_ends)} ({number + 1})"
        paragraphs = tuple(rng.sample(bank.paragraphs, k=rng.randint(1, 3)))
        labels = tuple(sorted(set(rng.sample(bank.labels, k=rng.randint(1, 2)))))
        comments = filler_comments(rng, platform, rng.randint(0, 5), post_author)
        posts.append(
            PostSpec(
                slug=f"extra-post-{number + 1}",
                title=title,
                local_time=moment.strftime("%Y-%m-%d %H:%M"),
                labels=labels,
                paragraphs=paragraphs,
                comments=comments,
            )
        )
    return tuple(posts)
