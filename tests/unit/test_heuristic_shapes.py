"""The structural heuristic on comment layouts no platform parser knows (pages of our own writing
in shapes real CMSs print): one list per comment, a bold name as the only author cue, a wrapper
whose class says "user", a subject line above the body, replies nested in the comment itself."""

from __future__ import annotations

from scraper.parse import parse_page

URL = "https://notes.example/2012/11/entitlements.html"
STORY = "".join(
    f"<p>Paragraph {n} about licences and the servers they cover.</p>" for n in range(6)
)


def page(comments: str) -> str:
    return f"""<html><head><title>Entitlements</title></head><body>
<div class="entry"><h1>Entitlements</h1><div class="entrybody">{STORY}</div></div>
{comments}</body></html>"""


def test_one_list_per_comment_is_read_as_one_thread() -> None:
    # Each comment sits in its own <ol class="commentlist">, anchors between them; the only
    # author cue is a bold name after the comment's running number.
    items = "".join(
        f'<a name="c{n}"></a><ol class="commentlist"><li class="commentpost"><strong>{n}&nbsp;'
        f'{name}</strong>&nbsp;| <small class="commentmetadata">11/{n}/2012 10:0{n}:00 PM'
        f"</small><p>{text}</p></li></ol>"
        for n, name, text in [
            (1, "Stuart Reed", "Thanks, that change cannot have been easy."),
            (2, "Ana Moreau", "Good news for our team as well."),
            (3, "Li Wei", "Does this cover the older servers too?"),
        ]
    )
    parsed = parse_page(page(f'<div class="commentsblock"><h3>Comments</h3>{items}</div>'), URL)
    assert [(c.author, c.text) for c in parsed.comments] == [
        ("Stuart Reed", "Thanks, that change cannot have been easy."),
        ("Ana Moreau", "Good news for our team as well."),
        ("Li Wei", "Does this cover the older servers too?"),
    ]
    assert all(c.published is not None for c in parsed.comments)
    assert "Thanks, that change" not in parsed.post.text


def comment(number: int, author: str, title: str, text: str, replies: str = "") -> str:
    """A comment block whose outer wrapper's class says "user", with a subject line, and its
    replies nested inside it in blocks of its own shape."""
    return f"""<div class="citem" id="comment_item_{number}">
<div class="comment-box usertype-guest">
<h5 class="comment_title">{title}</h5>
<div class="cbody" id="comment_body_{number}"><p>{text}</p></div>
<p class="by">by <span class="comment-author">{author}</span> on
<span class="comment-date">2012-08-0{number} 10:4{number}</span></p></div>
{replies}</div>"""


def test_fields_replies_and_subject_lines_of_nested_comment_blocks() -> None:
    thread = comment(
        1,
        "TheCloser",
        "Who starts at corner?",
        "Darby, I would say, by the end of the year.",
        comment(2, "bsosna", "Not so fast", "He has the talent, not the experience yet."),
    ) + comment(3, "munya", "Practice report", "Thanks for the daily videos.")
    parsed = parse_page(page(f'<div class="comments-list">{thread}</div>'), URL)
    by_author = {c.author: c for c in parsed.comments}
    assert list(by_author) == ["TheCloser", "bsosna", "munya"]
    first = by_author["TheCloser"]
    # The subject line is what the commenter wrote; the reply's text is not the parent's.
    assert first.text == "Who starts at corner?\n\nDarby, I would say, by the end of the year."
    assert by_author["bsosna"].parent_id == first.id
    assert "experience" not in first.text
    assert by_author["munya"].parent_id is None


def test_a_subject_the_body_starts_with_is_not_repeated() -> None:
    thread = comment(1, "Ann", "Great post, I tried it", "Great post, I tried it and it worked.")
    thread += comment(2, "Bo", "Same here", "Worked for me too.")
    parsed = parse_page(page(f'<div class="comments-list">{thread}</div>'), URL)
    assert parsed.comments[0].text == "Great post, I tried it and it worked."


def test_a_reply_whose_zebra_class_differs_is_still_a_reply() -> None:
    # SPIP-style forums: `li.forum-fil.comment.even` holds a plain `ul` whose
    # `li.forum-fil.comment.odd.first` answers it; odd/even/first vary from one comment to the next.
    def item(zebra: str, author: str, text: str, replies: str = "") -> str:
        return (
            f'<li class="forum-fil comment {zebra}"><div class="comment-message">'
            f'<div class="comment-content"><p>{text}</p></div><div class="comment-meta">'
            f'<span class="comment-author vcard"><strong class="fn n">{author}</strong></span>'
            f'<abbr class="date" title="2019-12-07T12:45:37Z">7 Dec 2019</abbr></div></div>'
            f"{replies}</li>"
        )

    reply = item("odd first", "Rageul", "Quelle belle France gouvernée ainsi !")
    thread = item("even", "Un citoyen", "Belle France.", f"<ul>{reply}</ul>")
    other = item("odd", "Carlos", "Rien de neuf donc.")
    forum = f'<div class="comments"><ul class="forum comments-list">{thread}{other}</ul></div>'
    parsed = parse_page(page(forum), URL)
    assert [(c.author, c.depth) for c in parsed.comments] == [
        ("Un citoyen", 0),
        ("Rageul", 1),
        ("Carlos", 0),
    ]
    assert parsed.comments[1].parent_id == parsed.comments[0].id
