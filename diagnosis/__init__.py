"""process-diagnosis: the domain core of the six-step customer-service process diagnosis.

Nothing in this package imports Streamlit: pages and the command line call into it.
"""

__version__ = "0.1.0"
