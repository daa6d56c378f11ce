NAME = "caps"
DESCRIPTION = "todo"

def groups():
    return []
