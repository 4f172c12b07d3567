"""The analysis sections of the report (fishbone, Pareto, root causes, plan, tracking,
evaluation), built on the domain modules of steps 3-6."""
