"""The CSAT survey scales an export's ratings are read on ("1-5", "1-10", "0-100").

Plain constants, apart from the pydantic models of `diagnosis.metric_definitions` (which
re-exports them), so that computing an export's metrics does not load pydantic.
"""

SCALE_MAX = {"1-5": 5.0, "1-10": 10.0, "0-100": 100.0}
SCALE_MIN = {"1-5": 1.0, "1-10": 1.0, "0-100": 0.0}
# the lowest score of the top two boxes on each scale
TOP2 = {"1-5": 4.0, "1-10": 9.0, "0-100": 80.0}
