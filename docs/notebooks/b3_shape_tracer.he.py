# ---
# jupyter:
#   english_sha256: 318fbe3fd2839a623aebeed833cd4da147824c964bfe4337a4314e338f2f794f
# ---

# %% [markdown]
# # B3 · הריצו בעצמכם: צורות הטנזורים לאורך CNN
#
# המחברת הזו מורצת בכל פעם שהספר נבנה, ולכן כל פלט שלמטה אמיתי.
# היא משתמשת בקוד של הפרק, מתוך `snippets/b3_shape_tracer.py`.
# כדי להריץ אותה בעצמכם: `make install`, ואז פתחו אותה ב־Jupyter
# (`jupytext --to notebook docs/notebooks/b3_shape_tracer.he.py` יוצר `.ipynb`).
#
# התרשים של המבחן אבד: `reconstruction()` הוא השחזור של הספר
# סביב `Conv2d(3, 5, 3)` של המבחן, לא התרשים של המבחן.

# %%
from torch import nn

from snippets.b3_shape_tracer import (
    VARIANTS,
    conv_output_size,
    format_shape,
    pool_output_size,
    reconstruction,
    trace,
)


def show(model, input_shape=(3, 28, 28)):
    for row in trace(model, input_shape):
        print(f"{row.name:>5}  {row.layer:32s} {format_shape(row.shape):18s} {row.params:>7,}  {row.how}")


show(reconstruction())

# %% [markdown]
# הנוסחה ביד, וברירות המחדל של PyTorch: לקונבולוציה אין ריפוד (padding),
# הצעד (stride) של שכבת pooling הוא גודל ה־kernel שלה, ושתיהן מעגלות כלפי מטה.

# %%
print("Conv2d(3, 5, 3) on 28:", conv_output_size(28, 3))
print("MaxPool2d(2) on 26:", pool_output_size(26, 2))
print("MaxPool2d(2) on 11, floor and ceil:", pool_output_size(11, 2), pool_output_size(11, 2, ceil_mode=True))
print("stride 2 on 28:", conv_output_size(28, 3, stride=2), "  (not (28 - 3)/2 + 1 =", (28 - 3) / 2 + 1, ")")

# %% [markdown]
# הווריאציות שהפרק מציג בטבלה:

# %%
for name, (what, build) in VARIANTS.items():
    print(f"\n{name}: {what}")
    show(build())

# %% [markdown]
# טעות בתרשים נתפסת בשכבה שבה היא קורית. כאן `Linear`
# מקבל 13·13 מאפיינים, ושוכח את 5 הערוצים:

# %%
wrong = nn.Sequential(nn.Conv2d(3, 5, 3), nn.ReLU(), nn.MaxPool2d(2), nn.Flatten(), nn.Linear(13 * 13, 10))
try:
    trace(wrong)
except ValueError as err:
    print(err)

# %% [markdown]
# נסו בעצמכם: שנו את הקלט ל־`(1, 32, 32)`, הוסיפו `padding=1`, או כתבו
# `nn.Sequential` משלכם והעבירו אותו ל־`show`.
