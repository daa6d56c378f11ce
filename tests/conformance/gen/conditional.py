NAME = "conditional"
DESCRIPTION = "todo"

def groups():
    return []
