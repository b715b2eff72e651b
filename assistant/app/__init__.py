"""The Gradio app: triage, email, ask and opportunity history on one page.

Importing this package turns Gradio analytics off before gradio itself is imported;
gradio is only imported by :mod:`assistant.app.ui` (via :func:`launch_app`).
"""

import os

os.environ["GRADIO_ANALYTICS_ENABLED"] = "False"

from .server import LaunchPlan, is_loopback, launch_app, plan_launch, prepare_environment

__all__ = ["LaunchPlan", "is_loopback", "launch_app", "plan_launch", "prepare_environment"]
