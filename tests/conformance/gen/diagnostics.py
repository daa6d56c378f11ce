NAME = "diagnostics"
DESCRIPTION = "todo"

def groups():
    return []
