def case_panel(request, case):
    return None
