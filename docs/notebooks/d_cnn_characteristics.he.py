# ---
# jupyter:
#   english_sha256: e82f8a2bcd43d5f0072d1a4ec94a49bb18e530fa1b620913b2167ac78569e5aa
# ---

# %% [markdown]
# # D · הריצו בעצמכם: המאפיינים של רשתות CNN
#
# המחברת הזו מורצת בכל פעם שהספר נבנה, ולכן כל פלט שלמטה אמיתי.
# היא קוראת לקוד של הפרק ב־`snippets/d_*.py`, מאפיין אחד בכל תא,
# ומריצה שוב את החלק המהיר של הניסוי.
# כדי להריץ אותה בעצמכם: `make install`, ואז פתחו אותה ב־Jupyter
# (`jupytext --to notebook docs/notebooks/d_cnn_characteristics.he.py` יוצר `.ipynb`).

# %%
import torch
from torch import nn

from snippets.d_receptive_field import example_stack, gradient_support, receptive_fields, support_box
from snippets.d_weight_sharing import parameter_counts

# %% [markdown]
# **שיתוף משקלות.** `Conv2d(3, 5, 3)` על תמונה בגודל 3 × 28 × 28 מול השכבות
# שנותנות את אותו פלט 5 × 26 × 26 בלי שיתוף (ובלי מקומיות):

# %%
for name, count in parameter_counts(3, 5, 3, 28).items():
    print(f"{name:8s} {count:>10,}")
print("PyTorch's Conv2d(3, 5, 3):", sum(p.numel() for p in nn.Conv2d(3, 5, 3).parameters()))

# %% [markdown]
# **שדה קליטה.** נוסחת הנסיגה, והאזור שבו הגרדיאנט של יחידת פלט אחת
# אינו אפס:

# %%
stack = example_stack()
print("receptive field after each layer:", receptive_fields(stack))
print("non-zero gradient box:", support_box(gradient_support(stack)))

# %% [markdown]
# **אקוויווריאנטיות להזזה**: מדויקת עם ריפוד מעגלי, נשברת בשוליים עם
# ריפוד אפסים, ונשברת בגלל הצעד (stride) בהזזות אי־זוגיות.

# %%
from snippets.d_equivariance import best_output_shift, equivariance_error, invariance_change, make_conv, sample_image

x = sample_image()
print("circular, max |f(Tx) - T f(x)|:", equivariance_error(make_conv("circular"), x, (5, 9)).max().item())
err = equivariance_error(make_conv("zeros"), x, (5, 9))
print(f"zeros: {(err > 1e-6).sum().item()} of {err.numel()} positions differ")
print("stride 2, shift by 2 ->", best_output_shift(make_conv("circular", stride=2), x, (0, 2)))
print("stride 2, shift by 1 ->", best_output_shift(make_conv("circular", stride=2), x, (0, 1)))
print(f"not invariant: relative change {invariance_change(make_conv('circular'), x, (5, 9)):.2f}")

# %% [markdown]
# **Pooling.** כמה ממפה שעברה max-pooling שורד הזזה של פיקסל אחד, והאינווריאנטיות
# המדויקת של global average pooling (והמחיר שלה):

# %%
from snippets.d_pooling_invariance import (
    FlattenNet,
    GapNet,
    best_left_right_accuracy,
    invariance_error,
    surviving_fraction,
    surviving_fraction_theory,
)

noise = torch.randn(128, 1, 48, 48, generator=torch.Generator().manual_seed(0))
for p in (2, 3, 4):
    print(
        f"{p}x{p} max pooling: {surviving_fraction(noise, p):.3f} survives (theory {surviving_fraction_theory(p):.3f})"
    )
images = torch.randn(4, 1, 16, 16)
print("GapNet invariance error:", invariance_error(GapNet(), images, (3, 5)))
print("FlattenNet invariance error:", invariance_error(FlattenNet(16), images, (3, 5)))
print("best accuracy on left-vs-right, GapNet:", best_left_right_accuracy(GapNet()))
print("GapNet on a 37 x 53 image:", tuple(GapNet()(torch.randn(1, 1, 37, 53)).shape))

# %% [markdown]
# **אין אקוויווריאנטיות לסיבוב:**

# %%
from snippets.d_rotation import detector_response, edge_image, rot90, rotation_error

print(f"quarter turn, relative error: {rotation_error(make_conv('circular'), x):.2f}")
print(
    "edge detector on the edge:",
    detector_response(edge_image()),
    "| on the turned edge:",
    detector_response(rot90(edge_image())),
)

# %% [markdown]
# **פרמטרים אינם FLOPs** (VGG-16 על ההתקן `meta`: צורות בלבד, בלי זיכרון):

# %%
from snippets.d_compute_profile import profile, split, vgg16

shares = split(profile(vgg16(), (1, 3, 224, 224)))
print({k: f"{v:.1f}%" for k, v in shares.items()})

# %% [markdown]
# **הניסוי, החלק המהיר.** ה־MLP שאומן על משימת שני הפסים (two-bars), עם הפיקסלים כפי שהם
# ואחרי תמורה: אותו דיוק מבחן. רשתות ה־CNN לוקחות יותר זמן; המספרים השמורים שלהן
# מודפסים למטה, ו־`experiment_two_bars()` מריץ הכול מחדש (בערך דקה).

# %%
from snippets.d_inductive_bias import MODELS, train_and_test
from snippets.results import load

for permuted in (False, True):
    acc = train_and_test(MODELS["mlp"], permuted, steps=400, n_train=512, seed=0)["test"]
    print(f"mlp          {'permuted' if permuted else 'as given':9s} test accuracy {acc:.3f}")
for name, run in load("d_inductive_bias", "two_bars")["data"]["runs"].items():
    print(f"{name:12s} committed: {run['pixels']['test']:.3f} as given, {run['permuted']['test']:.3f} permuted")

# %% [markdown]
# נסו בעצמכם: תנו ל־`make_conv` את `stride=3`, עשו pooling בחלונות 6 × 6, או הוסיפו שכבה
# ל־CNN בעל השכבה האחת, והריצו שוב.
