"""Units of work of the recommendation tracker."""
