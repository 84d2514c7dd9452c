"""(family not written yet)"""
