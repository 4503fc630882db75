# ---
# jupyter:
#   english_sha256: f298ba7829a599a3884becc2d4982a931e2eef33014e774bf761bb5cfa5a7303
# ---

# %% [markdown]
# # A5 · הריצו בעצמכם: מתי GPU מהיר יותר מ־CPU?
#
# המחברת הזו מורצת בכל פעם שהספר נבנה, ולכן כל פלט שלמטה אמיתי — והוא נמדד על המכונה שבנתה את הספר, שבדרך כלל עסוקה
# בדברים אחרים, אז צפו לרעש. היא מריצה גרסה זעירה של הסריקה של הפרק עם הקוד
# מתוך `snippets/a5_device_benchmark.py`.
# כדי להריץ אותה בעצמכם: `make install`, ואז פתחו אותה ב־Jupyter
# (`jupytext --to notebook docs/notebooks/a5_device_benchmark.he.py` יוצר `.ipynb`).
# במכונה עם CUDA היא מודדת גם את ה־GPU.

# %%
import torch

from snippets.a5_device_benchmark import (
    QUICK,
    BackgroundQueue,
    arithmetic_intensity,
    linear_intensity,
    resolve_devices,
    run_benchmark,
    time_call,
)

torch.set_num_threads(1)  # one thread: steadier timings on a shared machine
devices = resolve_devices()
print("devices measured here:", devices)
if "cuda" not in devices:
    print("no CUDA on this machine: the GPU is not measured, and nothing below is a GPU number")

# %% [markdown]
# ## סריקה זעירה
#
# הזמן החציוני לקריאה (בשניות), והקצב שנובע ממנו. בגדלים הקטנים שולטות העלויות
# הקבועות; הזמן לדוגמה של ה־MLP יורד ככל שה־batch גדל.

# %%
data = run_benchmark(devices, QUICK)
print(f"{'device':>6} {'thr':>3} {'kind':>6} {'size':>5} {'copy':>5} {'median s':>10} {'GFLOP/s':>8}")
for r in data["records"]:
    print(
        f"{r['device']:>6} {r['threads']:>3} {r['kind']:>6} {r['size']:>5} {str(r['copy']):>5} "
        f"{r['median']:>10.2e} {r['flops'] / r['median'] / 1e9:>8.2f}"
    )

# %% [markdown]
# ## החשבון של ה־roofline
#
# FLOPs לבית: העוצמה (intensity) של מכפלת מטריצות גדלה עם $n$, של חיבור לא,
# ושל שכבה לינארית גדלה עם גודל ה־batch.

# %%
for n in (16, 256, 2048):
    print(f"n = {n:>4}: matmul {arithmetic_intensity('matmul', n):7.1f}   add {arithmetic_intensity('add', n):.3f}")
for b in (1, 16, 256):
    print(f"linear 1024x1024, batch {b:>3}: {linear_intensity(b, 1024, 1024):6.1f} FLOPs/byte")

# %% [markdown]
# ## למה מדידת זמן נאיבית משקרת
#
# `BackgroundQueue` מריץ עבודה ב־thread נפרד וחוזר מיד, כמו הפעלה (launch) של CUDA.
# בלי סנכרון, הטיימר רואה רק את ההפעלה.

# %%
a = torch.randn(256, 256)
queue = BackgroundQueue()
launch = lambda: queue.launch(lambda: a @ a)  # noqa: E731
wrong = time_call(launch, repeats=5).median
queue.synchronize()
right = time_call(launch, sync=queue.synchronize, repeats=5).median
queue.close()
print(f"without synchronize: {wrong * 1e3:8.3f} ms")
print(f"with synchronize:    {right * 1e3:8.3f} ms")

# %% [markdown]
# נסו בעצמכם: הוסיפו `4096` לגדלי ה־batch של ה־MLP ב־`Sweep`, או במכונה עם GPU השוו את
# השורות של `copy=True` (הקלטים מתחילים בזיכרון המארח) לשורות שבהן הם כבר על ההתקן.
