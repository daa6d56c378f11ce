NAME = "editions"
DESCRIPTION = "todo"

def groups():
    return []
