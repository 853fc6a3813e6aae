"""Built-in template functions, registered by importing their modules."""

from . import cidr, collections, dates, lambdas, logic, scope, strings  # noqa: F401  (registration)
from .registry import FUNCTIONS, FunctionSpec
from .scope import call_list_function
from .user_defined import call_user_function, collect_user_functions

__all__ = ["FUNCTIONS", "FunctionSpec", "call_list_function", "call_user_function", "collect_user_functions"]
