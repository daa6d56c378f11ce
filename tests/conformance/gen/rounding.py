NAME = "rounding"
DESCRIPTION = "todo"

def groups():
    return []
