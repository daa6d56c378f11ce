NAME = "builtins"
DESCRIPTION = "todo"

def groups():
    return []
