"""The course's terms in Hebrew, English and PyTorch: one list for both editions.

The glossary pages (``docs/glossary.md`` and ``docs/glossary.he.md``) render this
list through facts (``{{ glossary.table_en | raw }}``), and the translators of the
Hebrew edition use these renderings, so a term reads the same on every page.
Where the course keeps the English word (as the exam itself does: "backpropagation",
"RNNCell", "gradient clipping"), the Hebrew column gives the English word first
and the Hebrew term in use, if any, after it.

``tests/test_i18n.py`` checks that every term is used by the book in both
editions, and that every PyTorch name (and argument) exists in the installed PyTorch.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Term:
    english: str
    hebrew: str
    pytorch: str = ""  # a name in torch, or "name(argument=…)"; "" if none
    chapter: str = ""  # the chapter that explains it best (docs path)


TERMS: tuple[Term, ...] = (
    Term("activation (function)", "פונקציית אקטיבציה", "torch.nn.ReLU", "chapters/b2-bad-results.md"),
    Term("backpropagation", "backpropagation (התפשטות לאחור)", "torch.Tensor.backward", "chapters/a1-sign-backprop.md"),
    Term("batch", "batch (מנה)", "torch.utils.data.DataLoader", "chapters/a5-gpu-vs-cpu.md"),
    Term("bias (of a layer)", "bias (היסט)", "torch.nn.Linear(bias=…)", "chapters/a2-rnncell-parameters.md"),
    Term("channel", "ערוץ (channel)", "torch.nn.Conv2d(out_channels=…)", "chapters/b3-cnn-shapes.md"),
    Term("convolution", "קונבולוציה", "torch.nn.Conv2d", "chapters/d-cnn-characteristics.md"),
    Term("cross-entropy", "אנטרופיה צולבת (cross-entropy)", "torch.nn.CrossEntropyLoss", "chapters/b1-kl-asymmetry.md"),
    Term("dropout", "dropout", "torch.nn.Dropout", "chapters/b2-bad-results.md"),
    Term("eigenvalue", "ערך עצמי", "torch.linalg.eigvals", "chapters/c-lipschitz-rnn.md"),
    Term("epoch", "epoch (מעבר על כל הנתונים)", "", "chapters/b2-bad-results.md"),
    Term("equivariance", "אקוויווריאנטיות (equivariance)", "", "chapters/d-cnn-characteristics.md"),
    Term("exploding gradients", "גרדיאנטים מתפוצצים (exploding gradients)", "", "chapters/a3-gradient-clipping.md"),
    Term("feature map", "מפת מאפיינים (feature map)", "", "chapters/b3-cnn-shapes.md"),
    Term("gradient", "גרדיאנט", "torch.Tensor.grad", "chapters/a1-sign-backprop.md"),
    Term(
        "clipping by norm (gradient)",
        "gradient clipping לפי נורמה",
        "torch.nn.utils.clip_grad_norm_",
        "chapters/a3-gradient-clipping.md",
    ),
    Term(
        "clipping by value (gradient)",
        "gradient clipping לפי ערך",
        "torch.nn.utils.clip_grad_value_",
        "chapters/a3-gradient-clipping.md",
    ),
    Term("grid search", "חיפוש רשת (grid search)", "", "chapters/a4-hyperparameters.md"),
    Term("hidden state", "מצב חבוי (hidden state)", "torch.nn.RNNCell", "chapters/a2-rnncell-parameters.md"),
    Term("hyper-parameter", "היפר־פרמטר", "", "chapters/a4-hyperparameters.md"),
    Term("inductive bias", "הטיה אינדוקטיבית (inductive bias)", "", "chapters/d-cnn-characteristics.md"),
    Term("invariance", "אינווריאנטיות (invariance)", "", "chapters/d-cnn-characteristics.md"),
    Term("kernel (filter)", "kernel (מסנן)", "torch.nn.Conv2d(kernel_size=…)", "chapters/b3-cnn-shapes.md"),
    Term(
        "Kullback–Leibler divergence (KL)",
        "KL divergence (דיברגנץ KL)",
        "torch.nn.functional.kl_div",
        "chapters/b1-kl-asymmetry.md",
    ),
    Term("learning rate", "קצב למידה (learning rate)", "torch.optim.SGD", "chapters/b2-bad-results.md"),
    Term("Lipschitz constant", "קבוע ליפשיץ", "", "chapters/c-lipschitz-rnn.md"),
    Term("loss (function)", "פונקציית הפסד (loss)", "torch.nn.MSELoss", "chapters/b2-bad-results.md"),
    Term("overfitting", "התאמת־יתר (overfitting)", "", "chapters/b2-bad-results.md"),
    Term("padding", "ריפוד (padding)", "torch.nn.Conv2d(padding=…)", "chapters/b3-cnn-shapes.md"),
    Term("parameter (weight)", "פרמטר (משקל)", "torch.nn.Parameter", "chapters/a2-rnncell-parameters.md"),
    Term("pooling", "pooling (איגום)", "torch.nn.MaxPool2d", "chapters/d-cnn-characteristics.md"),
    Term("random search", "חיפוש אקראי (random search)", "", "chapters/a4-hyperparameters.md"),
    Term("receptive field", "שדה קליטה (receptive field)", "", "chapters/d-cnn-characteristics.md"),
    Term(
        "recurrent neural network (RNN)", "רשת נוירונים רקורנטית (RNN)", "torch.nn.RNN", "chapters/c-lipschitz-rnn.md"
    ),
    Term("regularisation", "רגולריזציה", "", "chapters/b2-bad-results.md"),
    Term("residual connection", "חיבור שארית (residual connection)", "", "chapters/b2-bad-results.md"),
    Term("sign (function)", "פונקציית הסימן (sign)", "torch.sign", "chapters/a1-sign-backprop.md"),
    Term(
        "straight-through estimator",
        "straight-through estimator (STE)",
        "torch.Tensor.detach",
        "chapters/a1-sign-backprop.md",
    ),
    Term("stride", "צעד (stride)", "torch.nn.Conv2d(stride=…)", "chapters/b3-cnn-shapes.md"),
    Term("tensor", "טנזור", "torch.Tensor", "chapters/b3-cnn-shapes.md"),
    Term("test set", "קבוצת מבחן (test set)", "", "chapters/b2-bad-results.md"),
    Term("training set", "קבוצת אימון (training set)", "", "chapters/b2-bad-results.md"),
    Term("underfitting", "התאמת־חסר (underfitting)", "", "chapters/b2-bad-results.md"),
    Term("validation set", "קבוצת ולידציה (validation set)", "", "chapters/a4-hyperparameters.md"),
    Term("vanishing gradients", "גרדיאנטים נעלמים (vanishing gradients)", "", "chapters/c-lipschitz-rnn.md"),
    Term("weight decay", "weight decay (דעיכת משקלות)", "torch.optim.AdamW", "chapters/b2-bad-results.md"),
    Term("weight sharing", "שיתוף משקלות (weight sharing)", "", "chapters/d-cnn-characteristics.md"),
)


def _chapter_label(path: str) -> str:
    """``chapters/a3-gradient-clipping.md`` -> ``A3``.

    >>> _chapter_label("chapters/d-cnn-characteristics.md")
    'D'
    """
    return path.removeprefix("chapters/").split("-", 1)[0].upper()


def _hebrew_key(hebrew: str) -> str:
    """Sort Hebrew entries by their Hebrew words, even when the English word comes first.

    >>> _hebrew_key("batch (מנה)"), _hebrew_key("dropout")
    ('מנה)', 'dropout')
    """
    import re

    found = re.search(r"[\u0590-\u05FF].*", hebrew)
    return found[0] if found else hebrew.lower()


def _row(cells: list[str]) -> str:
    return "| " + " | ".join(cells) + " |"


def table(lang: str) -> str:
    """The glossary as a Markdown table, in the edition's language ("en" or "he").

    Links point from the docs root (``/chapters/….md``), which each edition's build
    resolves to its own page of that chapter.
    """
    if lang not in ("en", "he"):
        raise ValueError(f"no glossary edition {lang!r}: use 'en' or 'he'")
    he = lang == "he"
    rows = sorted(TERMS, key=lambda t: _hebrew_key(t.hebrew) if he else t.english.lower())
    head = ["עברית", "English", "PyTorch", "פרק"] if he else ["English", "Hebrew (עברית)", "PyTorch", "Chapter"]
    lines = [_row(head), _row(["---"] * 4)]
    for t in rows:
        hebrew = t.hebrew if he else f'<span lang="he" dir="rtl">{t.hebrew}</span>'
        english = f'<span lang="en" dir="ltr">{t.english}</span>' if he else t.english
        name = f"`{t.pytorch}`" if t.pytorch else "—"
        chapter = f"[{_chapter_label(t.chapter)}](/{t.chapter})" if t.chapter else "—"
        lines.append(_row([hebrew, english, name, chapter] if he else [english, hebrew, name, chapter]))
    return "\n".join(lines)


def facts() -> dict[str, object]:
    """``{{ glossary.table_en | raw }}``, ``{{ glossary.table_he | raw }}``, ``{{ glossary.terms }}``."""
    return {
        "table_en": table("en"),
        "table_he": table("he"),
        "terms": len(TERMS),
        "with_pytorch": sum(1 for t in TERMS if t.pytorch),
    }
