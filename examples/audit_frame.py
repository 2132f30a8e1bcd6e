#!/usr/bin/env python3
"""Audits 50 agencies in pandas: the ten lines of docs/python.md, "pandas".
Run from the repository's top folder."""
import pandas as pd
import quotalevy

rules = quotalevy.RuleSet.load("rules/cn/jilin.yaml")
units = pd.read_csv("examples/jilin-agencies.csv", dtype=str, keep_default_na=False)
levy = rules.evaluate_frame(units, "2024-06-30", keep=["id", "name", "admin_level"])
levy = levy.sort_values("levy_due", ascending=False)
short = levy[levy["agency_post_minimum_compliant"] == False]  # noqa: E712
print(levy[["id", "name", "levy_due", "shortfall"]].head(5).to_string(index=False))
print(levy.groupby("admin_level")["levy_due"].sum().to_string())
print("levy due %s; %d agencies short of the 50-post rule" % (levy["levy_due"].sum(), len(short)))
