NAME = "units"
DESCRIPTION = "todo"

def groups():
    return []
