"""Numbers the parties tests use (a module of its own: `conftest` names clash across test folders)."""

# Real-format numbers with correct check digits (computed with python-stdnum).
ZHANG_ID = "11010519491231002X"        # 北京市朝阳区, 1949-12-31
LI_ID = "650104198703152317"           # 乌鲁木齐市新市区, 1987-03-15
COMPANY_CODE = "91110000600037341L"    # the example of GB 32100 (stdnum's doctest)
SHOP_CODE = "92650104MA78D1Q57E"       # an individual business of 新市区
