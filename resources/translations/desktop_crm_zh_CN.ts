<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN" sourcelanguage="en">
<context>
    <name>ActivityDialog</name>
    <message>
        <source>Edit follow-up</source>
        <translation>编辑跟进</translation>
    </message>
    <message>
        <source>New follow-up</source>
        <translation>新建跟进</translation>
    </message>
    <message>
        <source>Type</source>
        <translation>类型</translation>
    </message>
    <message>
        <source>e.g. Call about the quotation</source>
        <translation>例如：电话沟通报价</translation>
    </message>
    <message>
        <source>Subject</source>
        <translation>主题</translation>
    </message>
    <message>
        <source>Customer</source>
        <translation>客户</translation>
    </message>
    <message>
        <source>Owner</source>
        <translation>负责人</translation>
    </message>
    <message>
        <source>Starts</source>
        <translation>开始时间</translation>
    </message>
    <message>
        <source> min</source>
        <translation> 分钟</translation>
    </message>
    <message>
        <source>Duration</source>
        <translation>时长</translation>
    </message>
    <message>
        <source>Reminder</source>
        <translation>提醒</translation>
    </message>
    <message>
        <source>Repeats</source>
        <translation>重复</translation>
    </message>
    <message>
        <source>Notes</source>
        <translation>备注</translation>
    </message>
    <message>
        <source>Done</source>
        <translation>完成</translation>
    </message>
    <message>
        <source>Completed on %1</source>
        <translation>完成于 %1</translation>
    </message>
    <message>
        <source>Cancelled on %1</source>
        <translation>取消于 %1</translation>
    </message>
    <message>
        <source>Complete…</source>
        <translation>完成…</translation>
    </message>
    <message>
        <source>Cancel follow-up</source>
        <translation>取消跟进</translation>
    </message>
    <message>
        <source>Someone else changed this follow-up after you opened it; nothing was saved. Close the form and open it again to see their changes.</source>
        <translation>您打开后，有人修改了这条跟进；本次未保存。请关闭表单后重新打开，查看对方的修改。</translation>
    </message>
    <message>
        <source>Recurring follow-up</source>
        <translation>重复跟进</translation>
    </message>
    <message>
        <source>This follow-up</source>
        <translation>仅此一次</translation>
    </message>
    <message>
        <source>This and the following</source>
        <translation>此次及以后</translation>
    </message>
    <message>
        <source>Save the changes for this follow-up only, or for it and the following ones of the series?</source>
        <translation>修改只应用于这一次，还是这一次及之后的所有重复？</translation>
    </message>
    <message>
        <source>Cancel this follow-up only, or it and the following ones of the series?</source>
        <translation>只取消这一次，还是取消这一次及之后的所有重复？</translation>
    </message>
    <message>
        <source>Cancel the follow-up “%1”?</source>
        <translation>取消跟进“%1”？</translation>
    </message>
</context>
<context>
    <name>AgendaView</name>
    <message>
        <source>Time</source>
        <translation>时间</translation>
    </message>
    <message>
        <source>Type</source>
        <translation>类型</translation>
    </message>
    <message>
        <source>Customer</source>
        <translation>客户</translation>
    </message>
    <message>
        <source>Subject</source>
        <translation>主题</translation>
    </message>
    <message>
        <source>Owner</source>
        <translation>负责人</translation>
    </message>
    <message>
        <source>Holiday</source>
        <translation>节假日</translation>
    </message>
    <message>
        <source>Working day</source>
        <translation>调休上班</translation>
    </message>
    <message numerus="yes">
        <source>%n follow-up(s)</source>
        <translation>
            <numerusform>%n 条跟进</numerusform>
        </translation>
    </message>
    <message>
        <source>No follow-ups in this period</source>
        <translation>这段时间没有跟进</translation>
    </message>
    <message>
        <source>Only the first %1 follow-ups are listed: choose an owner or types to see the rest</source>
        <translation>只列出前 %1 条跟进：选择负责人或类型以查看其余的</translation>
    </message>
</context>
<context>
    <name>App</name>
    <message>
        <source>Unexpected error</source>
        <translation>意外错误</translation>
    </message>
    <message>
        <source>The details are in the log file:
%1</source>
        <translation>详细信息已写入日志文件：
%1</translation>
    </message>
    <message>
        <source>No log file could be written.</source>
        <translation>无法写入日志文件。</translation>
    </message>
    <message>
        <source>Something went wrong. Your data is safe; the action that failed was not saved, and the forms you have open are as you left them.</source>
        <translation>出了点问题。您的数据是安全的；失败的操作没有被保存，已打开的表单保持原样。</translation>
    </message>
    <message>
        <source>Already open</source>
        <translation>已经打开</translation>
    </message>
    <message>
        <source>This database is already open in another Desktop CRM window. Switch to that window (it may be minimised or in the system tray), or close it and start Desktop CRM again.

%1</source>
        <translation>此数据库已在另一个 Desktop CRM 窗口中打开。请切换到该窗口（它可能已最小化或在系统托盘中），或将其关闭后重新启动 Desktop CRM。

%1</translation>
    </message>
    <message>
        <source>Database needs an upgrade</source>
        <translation>数据库需要升级</translation>
    </message>
    <message>
        <source>Cannot open the database</source>
        <translation>无法打开数据库</translation>
    </message>
    <message>
        <source>The database %1 could not be opened:
%2</source>
        <translation>无法打开数据库 %1：
%2</translation>
    </message>
    <message>
        <source>(default)</source>
        <translation>（默认）</translation>
    </message>
    <message>
        <source>No Chinese font found: Chinese text may show as boxes. Install fonts-noto-cjk or fonts-wqy-microhei.</source>
        <translation>未找到中文字体：中文可能显示为方框。请安装 fonts-noto-cjk 或 fonts-wqy-microhei。</translation>
    </message>
</context>
<context>
    <name>AuditLabels</name>
    <message>
        <source>Customers</source>
        <translation>客户</translation>
    </message>
    <message>
        <source>Contacts</source>
        <translation>联系人</translation>
    </message>
    <message>
        <source>Opportunities</source>
        <translation>商机</translation>
    </message>
    <message>
        <source>Tickets</source>
        <translation>工单</translation>
    </message>
    <message>
        <source>Follow-ups</source>
        <translation>跟进</translation>
    </message>
    <message>
        <source>Repeating follow-ups</source>
        <translation>重复跟进</translation>
    </message>
    <message>
        <source>Interactions</source>
        <translation>沟通记录</translation>
    </message>
    <message>
        <source>Pipeline stages</source>
        <translation>销售阶段</translation>
    </message>
    <message>
        <source>Sales targets</source>
        <translation>业绩目标</translation>
    </message>
    <message>
        <source>Holidays</source>
        <translation>节假日</translation>
    </message>
    <message>
        <source>SLA policies</source>
        <translation>SLA 规则</translation>
    </message>
    <message>
        <source>Users</source>
        <translation>用户</translation>
    </message>
    <message>
        <source>Created</source>
        <translation>新建</translation>
    </message>
    <message>
        <source>Changed</source>
        <translation>修改</translation>
    </message>
    <message>
        <source>Deleted</source>
        <translation>删除</translation>
    </message>
    <message>
        <source>Restored</source>
        <translation>恢复</translation>
    </message>
    <message>
        <source>Merged</source>
        <translation>合并</translation>
    </message>
    <message>
        <source>Title</source>
        <translation>标题</translation>
    </message>
    <message>
        <source>Customer</source>
        <translation>客户</translation>
    </message>
    <message>
        <source>Amount</source>
        <translation>金额</translation>
    </message>
    <message>
        <source>Win probability</source>
        <translation>赢率</translation>
    </message>
    <message>
        <source>Close date</source>
        <translation>成交日期</translation>
    </message>
    <message>
        <source>Stage</source>
        <translation>阶段</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>状态</translation>
    </message>
    <message>
        <source>Priority</source>
        <translation>优先级</translation>
    </message>
    <message>
        <source>Assigned to</source>
        <translation>处理人</translation>
    </message>
    <message>
        <source>Subject</source>
        <translation>主题</translation>
    </message>
    <message>
        <source>First response</source>
        <translation>首次响应</translation>
    </message>
    <message>
        <source>Reason lost</source>
        <translation>输单原因</translation>
    </message>
    <message>
        <source>Due</source>
        <translation>期限</translation>
    </message>
    <message>
        <source>Merged into</source>
        <translation>合并到</translation>
    </message>
</context>
<context>
    <name>AuditLogDialog</name>
    <message>
        <source>Audit log</source>
        <translation>审计日志</translation>
    </message>
    <message>
        <source>All users</source>
        <translation>全部用户</translation>
    </message>
    <message>
        <source>%1 (inactive)</source>
        <translation>%1（已停用）</translation>
    </message>
    <message>
        <source>All records</source>
        <translation>全部记录</translation>
    </message>
    <message>
        <source>From</source>
        <translation>从</translation>
    </message>
    <message>
        <source>To</source>
        <translation>到</translation>
    </message>
    <message>
        <source>Find in fields and values…</source>
        <translation>在字段和值中查找…</translation>
    </message>
    <message>
        <source>User</source>
        <translation>用户</translation>
    </message>
    <message>
        <source>Record type</source>
        <translation>记录类型</translation>
    </message>
    <message>
        <source>Export…</source>
        <translation>导出…</translation>
    </message>
    <message>
        <source>Save the entries the filters select as an Excel workbook or a CSV file</source>
        <translation>把筛选出的记录保存为 Excel 工作簿或 CSV 文件</translation>
    </message>
    <message>
        <source>Close</source>
        <translation>关闭</translation>
    </message>
    <message>
        <source>No entries</source>
        <translation>没有记录</translation>
    </message>
    <message numerus="yes">
        <source>%n entries shown; scroll for more</source>
        <translation>
            <numerusform>已显示 %n 条，向下滚动查看更多</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n entries</source>
        <translation>
            <numerusform>共 %n 条</numerusform>
        </translation>
    </message>
    <message>
        <source>Excel workbook (*.xlsx)</source>
        <translation>Excel 工作簿 (*.xlsx)</translation>
    </message>
    <message>
        <source>CSV file (*.csv)</source>
        <translation>CSV 文件 (*.csv)</translation>
    </message>
    <message>
        <source>Export the audit log</source>
        <translation>导出审计日志</translation>
    </message>
    <message>
        <source>Exporting…</source>
        <translation>正在导出…</translation>
    </message>
    <message numerus="yes">
        <source>%n entries saved to %1</source>
        <translation>
            <numerusform>已将 %n 条记录保存到 %1</numerusform>
        </translation>
    </message>
    <message>
        <source>Only an administrator can read or export the whole audit log.</source>
        <translation>只有管理员可以查看或导出完整的审计日志。</translation>
    </message>
    <message>
        <source>Only an administrator can read or export the whole audit log. The History tab of a customer, opportunity or ticket shows its own changes.</source>
        <translation>只有管理员可以查看或导出完整的审计日志。客户、商机或工单的“历史记录”页签会显示它自己的变更。</translation>
    </message>
</context>
<context>
    <name>AuditTableModel</name>
    <message>
        <source>Time</source>
        <translation>时间</translation>
    </message>
    <message>
        <source>User</source>
        <translation>用户</translation>
    </message>
    <message>
        <source>Record type</source>
        <translation>记录类型</translation>
    </message>
    <message>
        <source>Record</source>
        <translation>记录</translation>
    </message>
    <message>
        <source>Action</source>
        <translation>操作</translation>
    </message>
    <message>
        <source>Field</source>
        <translation>字段</translation>
    </message>
    <message>
        <source>Old value</source>
        <translation>原值</translation>
    </message>
    <message>
        <source>New value</source>
        <translation>新值</translation>
    </message>
    <message>
        <source>(system)</source>
        <translation>（系统）</translation>
    </message>
</context>
<context>
    <name>AutomationDialog</name>
    <message>
        <source>Pipeline automation</source>
        <translation>销售漏斗自动化</translation>
    </message>
    <message>
        <source>When a deal is won</source>
        <translation>商机赢单时</translation>
    </message>
    <message>
        <source>Open an onboarding ticket for the service team</source>
        <translation>为服务团队创建交付工单</translation>
    </message>
    <message>
        <source>Ticket subject</source>
        <translation>工单主题</translation>
    </message>
    <message>
        <source>Plan a first follow-up for the owner</source>
        <translation>为负责人安排首次跟进</translation>
    </message>
    <message>
        <source> days later</source>
        <translation> 天后</translation>
    </message>
    <message>
        <source>Due</source>
        <translation>期限</translation>
    </message>
    <message>
        <source>Follow-up subject</source>
        <translation>跟进主题</translation>
    </message>
    <message>
        <source>When a deal stays in one stage too long</source>
        <translation>商机在某阶段停留过久时</translation>
    </message>
    <message>
        <source> days</source>
        <translation> 天</translation>
    </message>
    <message>
        <source>Flag the card after</source>
        <translation>超过此天数标记卡片</translation>
    </message>
    <message>
        <source>Plan a follow-up for the owner</source>
        <translation>为负责人安排跟进</translation>
    </message>
    <message>
        <source>Leave a subject empty to use the text shown in grey, in each user&apos;s language. {title} is the deal, {customer} its customer, {days} the number of days.</source>
        <translation>主题留空则使用灰色提示文字（按每位用户的界面语言）。{title} 表示商机，{customer} 表示客户，{days} 表示天数。</translation>
    </message>
    <message>
        <source>Only a manager can change the automation.</source>
        <translation>只有经理可以修改自动化规则。</translation>
    </message>
</context>
<context>
    <name>Buttons</name>
    <message>
        <source>Save</source>
        <translation>保存</translation>
    </message>
    <message>
        <source>OK</source>
        <translation>确定</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <source>Close</source>
        <translation>关闭</translation>
    </message>
</context>
<context>
    <name>CadenceDialog</name>
    <message>
        <source>Follow-up cadence</source>
        <translation>跟进节奏</translation>
    </message>
    <message>
        <source>When a follow-up is completed and nothing else is planned for the customer, the next one is planned this many days later (on a working day). Customers past their cadence with nothing planned are listed as neglected. 0: no cadence.</source>
        <translation>完成一次跟进后，如果该客户没有其他已安排的跟进，系统会在这么多天后（顺延到工作日）自动安排下一次。超过节奏且没有安排的客户列为“被冷落的客户”。0 表示不设节奏。</translation>
    </message>
    <message>
        <source> days</source>
        <translation> 天</translation>
    </message>
    <message>
        <source>Only a manager or an admin can change the cadence.</source>
        <translation>只有经理或管理员可以修改跟进节奏。</translation>
    </message>
</context>
<context>
    <name>Calendar</name>
    <message>
        <source>Time</source>
        <translation>时间</translation>
    </message>
    <message>
        <source>Type</source>
        <translation>类型</translation>
    </message>
    <message>
        <source>Customer</source>
        <translation>客户</translation>
    </message>
    <message>
        <source>Subject</source>
        <translation>主题</translation>
    </message>
    <message>
        <source>Contact and phone</source>
        <translation>联系人与电话</translation>
    </message>
    <message>
        <source>Address</source>
        <translation>地址</translation>
    </message>
    <message>
        <source>done</source>
        <translation>已完成</translation>
    </message>
    <message>
        <source>No follow-ups in this period</source>
        <translation>这段时间没有跟进</translation>
    </message>
</context>
<context>
    <name>CalendarSection</name>
    <message>
        <source>Today</source>
        <translation>今天</translation>
    </message>
    <message>
        <source>Previous</source>
        <translation>上一个</translation>
    </message>
    <message>
        <source>Next</source>
        <translation>下一个</translation>
    </message>
    <message>
        <source>Go to date</source>
        <translation>跳转到日期</translation>
    </message>
    <message>
        <source>Today list</source>
        <translation>今日待办</translation>
    </message>
    <message>
        <source>Day</source>
        <translation>日</translation>
    </message>
    <message>
        <source>Week</source>
        <translation>周</translation>
    </message>
    <message>
        <source>Month</source>
        <translation>月</translation>
    </message>
    <message>
        <source>Agenda</source>
        <translation>日程列表</translation>
    </message>
    <message>
        <source>My follow-ups</source>
        <translation>我的跟进</translation>
    </message>
    <message>
        <source>My team (%1)</source>
        <translation>我的团队（%1）</translation>
    </message>
    <message>
        <source>Everyone</source>
        <translation>所有人</translation>
    </message>
    <message>
        <source>Types</source>
        <translation>类型</translation>
    </message>
    <message>
        <source>New follow-up</source>
        <translation>新建跟进</translation>
    </message>
    <message>
        <source>More</source>
        <translation>更多</translation>
    </message>
    <message>
        <source>Print agenda…</source>
        <translation>打印日程…</translation>
    </message>
    <message>
        <source>Save agenda as PDF…</source>
        <translation>日程另存为 PDF…</translation>
    </message>
    <message>
        <source>Export to calendar file (.ics)…</source>
        <translation>导出为日历文件（.ics）…</translation>
    </message>
    <message>
        <source>Follow-up cadence…</source>
        <translation>跟进节奏…</translation>
    </message>
    <message>
        <source>Holiday calendar…</source>
        <translation>节假日日历…</translation>
    </message>
    <message>
        <source>Overdue</source>
        <translation>逾期</translation>
    </message>
    <message>
        <source>Off</source>
        <translation>休</translation>
    </message>
    <message>
        <source>Holiday</source>
        <translation>节假日</translation>
    </message>
    <message>
        <source>Work</source>
        <translation>班</translation>
    </message>
    <message>
        <source>Weekend working day</source>
        <translation>调休上班</translation>
    </message>
    <message>
        <source>Types (%1)</source>
        <translation>类型（%1）</translation>
    </message>
    <message>
        <source>%1 – %2</source>
        <translation>%1 – %2</translation>
    </message>
    <message>
        <source>Could not load the calendar: %1</source>
        <translation>无法加载日历：%1</translation>
    </message>
    <message>
        <source>Looking for neglected customers…</source>
        <translation>正在查找被冷落的客户…</translation>
    </message>
    <message>
        <source>Someone else changed this follow-up meanwhile; the calendar was reloaded. Try again.</source>
        <translation>这条跟进刚被别人修改过；日历已重新加载，请再试一次。</translation>
    </message>
    <message>
        <source>“%1” moved to %2</source>
        <translation>“%1”已改到 %2</translation>
    </message>
    <message>
        <source>Follow up with {customer}</source>
        <translation>跟进{customer}</translation>
    </message>
    <message>
        <source>“%1” done</source>
        <translation>“%1”已完成</translation>
    </message>
    <message>
        <source>; next follow-up on %1</source>
        <translation>；下次跟进：%1</translation>
    </message>
    <message>
        <source>Follow-up saved</source>
        <translation>跟进已保存</translation>
    </message>
    <message>
        <source>Agenda: %1</source>
        <translation>日程：%1</translation>
    </message>
    <message numerus="yes">
        <source>%1 to %2 · %n follow-up(s)</source>
        <translation>
            <numerusform>%1 至 %2 · %n 条跟进</numerusform>
        </translation>
    </message>
    <message>
        <source>Print agenda</source>
        <translation>打印日程</translation>
    </message>
    <message>
        <source>Save agenda as PDF</source>
        <translation>日程另存为 PDF</translation>
    </message>
    <message>
        <source>PDF files (*.pdf)</source>
        <translation>PDF 文件 (*.pdf)</translation>
    </message>
    <message>
        <source>Agenda saved to %1</source>
        <translation>日程已保存到 %1</translation>
    </message>
    <message>
        <source>Export follow-ups</source>
        <translation>导出跟进</translation>
    </message>
    <message>
        <source>Calendar files (*.ics)</source>
        <translation>日历文件 (*.ics)</translation>
    </message>
    <message>
        <source>Could not write %1: %2</source>
        <translation>无法写入 %1：%2</translation>
    </message>
    <message>
        <source>Follow-ups exported to %1</source>
        <translation>跟进已导出到 %1</translation>
    </message>
</context>
<context>
    <name>ChartView</name>
    <message>
        <source>Save as PNG…</source>
        <translation>另存为 PNG…</translation>
    </message>
    <message>
        <source>Copy</source>
        <translation>复制</translation>
    </message>
    <message>
        <source>Save chart</source>
        <translation>保存图表</translation>
    </message>
    <message>
        <source>PNG images (*.png)</source>
        <translation>PNG 图片 (*.png)</translation>
    </message>
</context>
<context>
    <name>CheckPage</name>
    <message>
        <source>Check</source>
        <translation>检查</translation>
    </message>
    <message>
        <source>Every row is checked as the import would; nothing is written yet.</source>
        <translation>按导入时的规则逐行检查；此时还不会写入任何数据。</translation>
    </message>
    <message>
        <source>Cancel check</source>
        <translation>取消检查</translation>
    </message>
    <message>
        <source>Check again</source>
        <translation>重新检查</translation>
    </message>
    <message>
        <source>Save rejected rows…</source>
        <translation>保存未通过的行…</translation>
    </message>
    <message>
        <source>Import</source>
        <translation>导入</translation>
    </message>
    <message>
        <source>Checking…</source>
        <translation>正在检查…</translation>
    </message>
    <message>
        <source>Nothing would be imported. Save the rejected rows, fix them and import that file, or go back and change the columns.</source>
        <translation>没有可导入的行。可以保存未通过的行，改正后再导入；或返回上一步修改列的对应。</translation>
    </message>
    <message>
        <source>Import now to bring in the good rows; the rejected rows can be saved, fixed and imported later.</source>
        <translation>现在导入会导入通过检查的行；未通过的行可以保存下来，改正后再导入。</translation>
    </message>
    <message>
        <source>Every row can be imported.</source>
        <translation>所有行都可以导入。</translation>
    </message>
    <message>
        <source>Check cancelled; nothing was written.</source>
        <translation>检查已取消，未写入任何数据。</translation>
    </message>
</context>
<context>
    <name>Cli</name>
    <message>
        <source>no staff member called {name}</source>
        <translation>没有名为 {name} 的员工</translation>
    </message>
    <message>
        <source>could not write {path}</source>
        <translation>无法写入 {path}</translation>
    </message>
    <message>
        <source>Demo customers</source>
        <translation>演示客户</translation>
    </message>
    <message>
        <source>{database}: schema is up to date (revision {revision})</source>
        <translation>{database}：数据库结构已是最新（版本 {revision}）</translation>
    </message>
    <message>
        <source>{database}: schema upgraded from {before} to revision {after}</source>
        <translation>{database}：数据库结构已从 {before} 升级到版本 {after}</translation>
    </message>
    <message>
        <source>empty</source>
        <translation>空库</translation>
    </message>
    <message>
        <source>administrator: {user}</source>
        <translation>管理员：{user}</translation>
    </message>
    <message>
        <source>--customers must be at least 1</source>
        <translation>--customers 至少为 1</translation>
    </message>
    <message>
        <source>{stage}: {done:,}/{total:,}</source>
        <translation>{stage}：{done:,}/{total:,}</translation>
    </message>
    <message>
        <source>{database}: added {customers:,} customers, {orders:,} orders, {contacts:,} contacts, {interactions:,} interactions, {activities:,} activities, {opportunities:,} opportunities, {tickets:,} tickets, {users:,} staff in {seconds:.1f} s</source>
        <translation>{database}：已添加 {customers:,} 个客户、{orders:,} 个订单、{contacts:,} 个联系人、{interactions:,} 条沟通记录、{activities:,} 个跟进计划、{opportunities:,} 个商机、{tickets:,} 个工单、{users:,} 名员工，用时 {seconds:.1f} 秒</translation>
    </message>
    <message>
        <source>--days must be at least 1, not {days}</source>
        <translation>--days 至少为 1，不能是 {days}</translation>
    </message>
    <message>
        <source>{days:.1f} days</source>
        <translation>{days:.1f} 天</translation>
    </message>
    <message>
        <source>Last {days} days: won {won}, lost {lost}, win rate {rate}, mean sales cycle {cycle}</source>
        <translation>最近 {days} 天：赢单 {won}，输单 {lost}，赢单率 {rate}，平均销售周期 {cycle}</translation>
    </message>
    <message>
        <source>Forecast (amount x probability) by month of expected close:</source>
        <translation>销售预测（金额 × 赢率），按预计成交月份：</translation>
    </message>
    <message>
        <source>(no open deal has an expected close date)</source>
        <translation>（没有设定了预计成交日期的进行中商机）</translation>
    </message>
    <message>
        <source>no staff member called {name}; known user names: {names}</source>
        <translation>没有名为 {name} 的员工；现有用户名：{names}</translation>
    </message>
    <message>
        <source>no team called {name}; teams: {teams}</source>
        <translation>没有名为 {name} 的团队；现有团队：{teams}</translation>
    </message>
    <message>
        <source>(none)</source>
        <translation>（无）</translation>
    </message>
    <message>
        <source>--limit must be at least 1, not {limit}</source>
        <translation>--limit 至少为 1，不能是 {limit}</translation>
    </message>
    <message>
        <source>{shown:,} of {total:,} tickets</source>
        <translation>显示 {shown:,} 个工单，共 {total:,} 个</translation>
    </message>
    <message>
        <source>{shown:,} tickets</source>
        <translation>{shown:,} 个工单</translation>
    </message>
    <message>
        <source>{tickets}; {n} escalated</source>
        <translation>{tickets}；已升级 {n} 个</translation>
    </message>
    <message>
        <source>({summary})</source>
        <translation>（{summary}）</translation>
    </message>
    <message>
        <source>could not write {path}: {error}</source>
        <translation>无法写入 {path}：{error}</translation>
    </message>
    <message>
        <source>say where to write it: --out FILE.pdf and/or --xlsx FILE.xlsx (or --format json)</source>
        <translation>请指定写到哪里：--out FILE.pdf 和/或 --xlsx FILE.xlsx（或 --format json）</translation>
    </message>
    <message>
        <source>--month must be written YYYY-MM, not {value}</source>
        <translation>--month 须写成 YYYY-MM，不能是 {value}</translation>
    </message>
    <message>
        <source>{option}: the folder of {path} does not exist</source>
        <translation>{option}：{path} 所在的文件夹不存在</translation>
    </message>
    <message>
        <source>no Chinese font is installed: Chinese text would print as boxes. Install fonts-noto-cjk or fonts-wqy-microhei (Windows has Microsoft YaHei).</source>
        <translation>未安装中文字体：中文会显示为方框。请安装 fonts-noto-cjk 或 fonts-wqy-microhei（Windows 自带微软雅黑）。</translation>
    </message>
    <message>
        <source>wrote 1 page to {path}</source>
        <translation>已将 1 页写入 {path}</translation>
    </message>
    <message>
        <source>wrote {n} pages to {path}</source>
        <translation>已将 {n} 页写入 {path}</translation>
    </message>
    <message>
        <source>wrote the figures to {path}</source>
        <translation>已将数据写入 {path}</translation>
    </message>
    <message>
        <source>--period is required (a month, 2026-10, or a quarter, 2026-Q4)</source>
        <translation>必须指定 --period（月份如 2026-10，或季度如 2026-Q4）</translation>
    </message>
    <message>
        <source>--period must be a month (2026-10) or a quarter (2026-Q4), not {value}</source>
        <translation>--period 须为月份（2026-10）或季度（2026-Q4），不能是 {value}</translation>
    </message>
    <message>
        <source>no file {path}</source>
        <translation>找不到文件 {path}</translation>
    </message>
    <message>
        <source>{path}: {n} rows for {period}</source>
        <translation>{path}：{period} 共 {n} 行</translation>
    </message>
    <message>
        <source>1 error; nothing was imported</source>
        <translation>1 个错误；未导入任何内容</translation>
    </message>
    <message>
        <source>{n} errors; nothing was imported</source>
        <translation>{n} 个错误；未导入任何内容</translation>
    </message>
    <message>
        <source>{file}: {created} created, {updated} updated, {unchanged} unchanged ({periods})</source>
        <translation>{file}：新增 {created} 项，修改 {updated} 项，未变 {unchanged} 项（{periods}）</translation>
    </message>
    <message>
        <source>no rows</source>
        <translation>没有数据行</translation>
    </message>
    <message>
        <source>Public pool: {n:,} customers</source>
        <translation>公海：{n:,} 个客户</translation>
    </message>
    <message>
        <source>Claims left today for {user}: no limit</source>
        <translation>{user} 今天还可领取：不限</translation>
    </message>
    <message>
        <source>Claims left today for {user}: {left} of {limit}</source>
        <translation>{user} 今天还可领取：{left} 个（每天上限 {limit} 个）</translation>
    </message>
    <message>
        <source>Returned to the pool now: {n:,}</source>
        <translation>本次退回公海：{n:,} 个</translation>
    </message>
    <message>
        <source>({n:,} customers)</source>
        <translation>（{n:,} 个客户）</translation>
    </message>
    <message>
        <source>{option} must be a date written YYYY-MM-DD, not {value}</source>
        <translation>{option} 须为 YYYY-MM-DD 格式的日期，不能是 {value}</translation>
    </message>
    <message>
        <source>{option}: the folder {path} does not exist</source>
        <translation>{option}：文件夹 {path} 不存在</translation>
    </message>
    <message>
        <source>applied the tiers as of {day}: {changed:,} customers changed tier; snapshot {month} ({rows:,} customers)</source>
        <translation>已按 {day} 的数据应用客户分层：{changed:,} 个客户的分层有变化；快照 {month}（{rows:,} 个客户）</translation>
    </message>
    <message>
        <source>--to {last} is before --from {first}</source>
        <translation>--to {last} 早于 --from {first}</translation>
    </message>
    <message>
        <source>{option}: {path} is a folder, not a file</source>
        <translation>{option}：{path} 是文件夹，不是文件</translation>
    </message>
    <message>
        <source>wrote 1 follow-up to {path}</source>
        <translation>已导出 1 个跟进计划到 {path}</translation>
    </message>
    <message>
        <source>wrote {n:,} follow-ups to {path}</source>
        <translation>已导出 {n:,} 个跟进计划到 {path}</translation>
    </message>
    <message>
        <source>--size must look like 1400x900, not {value}</source>
        <translation>--size 须写成 1400x900 的形式，不能是 {value}</translation>
    </message>
    <message>
        <source>interrupted</source>
        <translation>已中断</translation>
    </message>
    <message>
        <source>cannot use the database {database}: {detail}</source>
        <translation>无法使用数据库 {database}：{detail}</translation>
    </message>
    <message>
        <source>(default)</source>
        <translation>（默认）</translation>
    </message>
    <message>
        <source>{customers} customers, {orders} orders, schema revision {revision}, {size:.1f} MB</source>
        <translation>{customers} 个客户，{orders} 个订单，结构版本 {revision}，{size:.1f} MB</translation>
    </message>
    <message>
        <source>{reason}; nothing was changed</source>
        <translation>{reason}；未做任何更改</translation>
    </message>
    <message>
        <source>backed up {database} to {file}: {contents}</source>
        <translation>已将 {database} 备份到 {file}：{contents}</translation>
    </message>
    <message>
        <source>{file}: {contents} (from an older version: upgraded after restore)</source>
        <translation>{file}：{contents}（来自旧版本：恢复后会升级）</translation>
    </message>
    <message>
        <source>{file}: {contents}</source>
        <translation>{file}：{contents}</translation>
    </message>
    <message>
        <source>{database} is open in Desktop CRM; close the app and try again</source>
        <translation>{database} 正在 Desktop CRM 中打开；请关闭程序后重试</translation>
    </message>
    <message>
        <source>add --yes to replace the database without asking</source>
        <translation>加上 --yes 可不经询问直接替换数据库</translation>
    </message>
    <message>
        <source>Replace {database} by this backup? [y/N] </source>
        <translation>用此备份替换 {database} 吗？[y/N] </translation>
    </message>
    <message>
        <source>nothing was changed</source>
        <translation>未做任何更改</translation>
    </message>
    <message>
        <source>restored {database} from {file} (upgraded from revision {revision})</source>
        <translation>已从 {file} 恢复 {database}（已从版本 {revision} 升级）</translation>
    </message>
    <message>
        <source>restored {database} from {file}</source>
        <translation>已从 {file} 恢复 {database}</translation>
    </message>
    <message>
        <source>the previous database is kept as {path}</source>
        <translation>原数据库保留为 {path}</translation>
    </message>
    <message>
        <source>Reading customers…</source>
        <translation>正在读取客户…</translation>
    </message>
    <message>
        <source>Comparing…</source>
        <translation>正在比对…</translation>
    </message>
    <message>
        <source>Grouping…</source>
        <translation>正在分组…</translation>
    </message>
    <message>
        <source>{stage} {done}/{total}</source>
        <translation>{stage} {done}/{total}</translation>
    </message>
    <message>
        <source>there is no file {path}</source>
        <translation>文件 {path} 不存在</translation>
    </message>
    <message>
        <source>{path} is not a Desktop CRM database</source>
        <translation>{path} 不是 Desktop CRM 数据库</translation>
    </message>
    <message>
        <source>{path} is a database of another program, not of Desktop CRM</source>
        <translation>{path} 是其他程序的数据库，不是 Desktop CRM 的</translation>
    </message>
    <message>
        <source>{path} was made by a newer version of Desktop CRM; update the app, then restore it</source>
        <translation>{path} 由更新版本的 Desktop CRM 创建；请先升级本程序，再恢复</translation>
    </message>
    <message>
        <source>{path} is damaged and cannot be restored</source>
        <translation>{path} 已损坏，无法恢复</translation>
    </message>
    <message>
        <source>{path} is in use by another program (or is the database itself); close it and try again</source>
        <translation>{path} 正被其他程序使用（或就是数据库本身）；请关闭该程序后重试</translation>
    </message>
    <message>
        <source>backup and restore work on a local SQLite database; back up a PostgreSQL server with pg_dump (and restore with pg_restore)</source>
        <translation>备份和恢复只适用于本机的 SQLite 数据库；PostgreSQL 服务器请用 pg_dump 备份（用 pg_restore 恢复）</translation>
    </message>
    <message>
        <source>{path} is not a Desktop CRM database, or it is encrypted with a key other than this database&apos;s</source>
        <translation>{path} 不是 Desktop CRM 数据库，或者它是用与本数据库不同的密钥加密的</translation>
    </message>
    <message>
        <source>cannot export to {path}: the folder does not exist</source>
        <translation>无法导出到 {path}：文件夹不存在</translation>
    </message>
    <message>
        <source>cannot export to {path}: it is a folder, not a file</source>
        <translation>无法导出到 {path}：这是文件夹，不是文件</translation>
    </message>
    <message>
        <source>cannot export to {path}: cannot write there ({detail})</source>
        <translation>无法导出到 {path}：无法写入（{detail}）</translation>
    </message>
    <message>
        <source>no customer with the code or id {id}</source>
        <translation>没有编号或 ID 为 {id} 的客户</translation>
    </message>
    <message>
        <source>no contact with the id {id}</source>
        <translation>没有 ID 为 {id} 的联系人</translation>
    </message>
    <message>
        <source>no follow-up with the id {id}</source>
        <translation>没有 ID 为 {id} 的跟进计划</translation>
    </message>
    <message>
        <source>no opportunity with the id {id}</source>
        <translation>没有 ID 为 {id} 的商机</translation>
    </message>
    <message>
        <source>no pipeline stage with the id {id}</source>
        <translation>没有 ID 为 {id} 的商机阶段</translation>
    </message>
    <message>
        <source>no staff member with the id {id}</source>
        <translation>没有 ID 为 {id} 的员工</translation>
    </message>
    <message>
        <source>The server already has a login called {value} (perhaps for another database). Choose another user name.</source>
        <translation>服务器上已有名为 {value} 的登录账号（可能属于另一个数据库）。请换一个用户名。</translation>
    </message>
    <message>
        <source>A user name is 2-63 lower-case letters, digits, _ . or -, starting with a letter: {value}</source>
        <translation>用户名须为 2 到 63 个小写字母、数字、_、. 或 -，并以字母开头：{value}</translation>
    </message>
    <message>
        <source>You cannot disable your own account.</source>
        <translation>不能停用自己的账号。</translation>
    </message>
    <message>
        <source>You cannot take away your own administrator role.</source>
        <translation>不能取消自己的管理员角色。</translation>
    </message>
    <message>
        <source>Too short (at least {detail} characters).</source>
        <translation>太短（至少 {detail} 个字符）。</translation>
    </message>
    <message>
        <source>missing column: the file has no column for this field</source>
        <translation>缺少列：文件中没有对应此字段的列</translation>
    </message>
    <message>
        <source>the file has no column {value}</source>
        <translation>文件中没有“{value}”列</translation>
    </message>
    <message>
        <source>not a field of this kind of record</source>
        <translation>不是此类记录的字段</translation>
    </message>
    <message>
        <source>the mapping is for {value}, not for {detail}</source>
        <translation>此列对应文件用于 {value}，不是 {detail}</translation>
    </message>
    <message>
        <source>import {value} cannot be continued</source>
        <translation>导入 {value} 无法继续</translation>
    </message>
    <message>
        <source>{value} cannot be read ({detail})</source>
        <translation>无法读取 {value}（{detail}）</translation>
    </message>
    <message>
        <source>not a mapping file: it should look like {detail}</source>
        <translation>不是列对应文件：格式应为 {detail}</translation>
    </message>
    <message>
        <source>User name</source>
        <translation>用户名</translation>
    </message>
    <message>
        <source>Password</source>
        <translation>密码</translation>
    </message>
    <message>
        <source>Role</source>
        <translation>角色</translation>
    </message>
    <message>
        <source>Team</source>
        <translation>团队</translation>
    </message>
    <message>
        <source>Reports to</source>
        <translation>直属上级</translation>
    </message>
    <message>
        <source>Rights</source>
        <translation>权限</translation>
    </message>
    <message>
        <source>Active</source>
        <translation>启用</translation>
    </message>
    <message>
        <source>Mapping file</source>
        <translation>列对应文件</translation>
    </message>
    <message>
        <source>Kind of records</source>
        <translation>记录类型</translation>
    </message>
    <message>
        <source>On duplicate</source>
        <translation>重复记录的处理</translation>
    </message>
    <message>
        <source>Import</source>
        <translation>导入</translation>
    </message>
    <message>
        <source>Period</source>
        <translation>期间</translation>
    </message>
    <message>
        <source>Salesperson</source>
        <translation>销售</translation>
    </message>
    <message>
        <source>Revenue target</source>
        <translation>销售额目标</translation>
    </message>
    <message>
        <source>New customers target</source>
        <translation>新客户目标</translation>
    </message>
    <message>
        <source>Header row</source>
        <translation>表头行</translation>
    </message>
    <message>
        <source>File</source>
        <translation>文件</translation>
    </message>
    <message>
        <source>No active salesperson is in a team called “{value}”.</source>
        <translation>没有在职销售属于团队“{value}”。</translation>
    </message>
    <message>
        <source>No active salesperson is called “{value}” (display name, user name or email).</source>
        <translation>没有名为“{value}”的在职销售（可填姓名、用户名或邮箱）。</translation>
    </message>
    <message>
        <source>More than one salesperson is called “{value}”: {detail}. Use the user name.</source>
        <translation>有多位销售名为“{value}”：{detail}。请填写用户名。</translation>
    </message>
    <message>
        <source>“{value}” is in the file twice; row {row} sets it already.</source>
        <translation>“{value}”在文件中出现了两次；第 {row} 行已设定。</translation>
    </message>
    <message>
        <source>Must be zero or more: {value}</source>
        <translation>不能为负数：{value}</translation>
    </message>
    <message>
        <source>Not a month (2026-10) or a quarter (2026-Q4): {value}</source>
        <translation>不是月份（2026-10）或季度（2026-Q4）：{value}</translation>
    </message>
    <message>
        <source>Not a whole number: {value}</source>
        <translation>不是整数：{value}</translation>
    </message>
    <message>
        <source>Not an amount: {value}</source>
        <translation>不是金额：{value}</translation>
    </message>
    <message>
        <source>No period: add a Period column or give --period.</source>
        <translation>缺少期间：请添加“期间”列或指定 --period。</translation>
    </message>
    <message>
        <source>No header row found: the first rows need a Salesperson or Team column and a Revenue target or New customers target column.</source>
        <translation>未找到表头：前几行需要有“销售”或“团队”列，以及“销售额目标”或“新客户目标”列。</translation>
    </message>
    <message>
        <source>Neither a salesperson nor a team.</source>
        <translation>既没有销售也没有团队。</translation>
    </message>
    <message>
        <source>The file cannot be read as an Excel workbook.</source>
        <translation>无法作为 Excel 工作簿读取此文件。</translation>
    </message>
    <message>
        <source>Only Excel workbooks (.xlsx) and CSV files can be imported.</source>
        <translation>只能导入 Excel 工作簿（.xlsx）和 CSV 文件。</translation>
    </message>
    <message>
        <source>The file is neither UTF-8 nor GBK text.</source>
        <translation>此文件既不是 UTF-8 也不是 GBK 编码的文本。</translation>
    </message>
    <message>
        <source>{field}: {reason}</source>
        <translation>{field}：{reason}</translation>
    </message>
    <message>
        <source>{file}, row {row}</source>
        <translation>{file} 第 {row} 行</translation>
    </message>
    <message>
        <source>row {row}</source>
        <translation>第 {row} 行</translation>
    </message>
    <message>
        <source>{where}: {column}: {reason}</source>
        <translation>{where} · {column}：{reason}</translation>
    </message>
    <message>
        <source>You do not have the right to do this: {detail}</source>
        <translation>您没有执行此操作的权限：{detail}</translation>
    </message>
    <message>
        <source>someone else changed this record meanwhile; nothing was saved</source>
        <translation>这条记录已被其他人修改；未保存任何内容</translation>
    </message>
    <message>
        <source>daily claim limit reached: {claimed} of {limit} claimed today</source>
        <translation>已达到每日领取上限：今天已领取 {claimed} 个，上限 {limit} 个</translation>
    </message>
    <message>
        <source>cancelled</source>
        <translation>已取消</translation>
    </message>
    <message>
        <source>the database {database} is at schema revision {current}, this app needs {head}; run: desktop-crm init --db URL</source>
        <translation>数据库 {database} 的结构版本为 {current}，本程序需要 {head}；请运行：desktop-crm init --db URL</translation>
    </message>
    <message>
        <source>none</source>
        <translation>无</translation>
    </message>
    <message>
        <source>no columns given; the columns of {kind}: {known}</source>
        <translation>没有指定列；{kind} 的列有：{known}</translation>
    </message>
    <message>
        <source>unknown column {columns}; the columns of {kind}: {known}</source>
        <translation>未知的列 {columns}；{kind} 的列有：{known}</translation>
    </message>
    <message>
        <source>unknown columns {columns}; the columns of {kind}: {known}</source>
        <translation>未知的列 {columns}；{kind} 的列有：{known}</translation>
    </message>
    <message>
        <source>{path} is a folder, not a file</source>
        <translation>{path} 是文件夹，不是文件</translation>
    </message>
    <message>
        <source>the folder {path} does not exist</source>
        <translation>文件夹 {path} 不存在</translation>
    </message>
    <message>
        <source>{done:,}/{total:,} rows</source>
        <translation>{done:,}/{total:,} 行</translation>
    </message>
    <message>
        <source>wrote 1 customer to {path}</source>
        <translation>已导出 1 个客户到 {path}</translation>
    </message>
    <message>
        <source>wrote {n:,} customers to {path}</source>
        <translation>已导出 {n:,} 个客户到 {path}</translation>
    </message>
    <message>
        <source>wrote 1 contact to {path}</source>
        <translation>已导出 1 个联系人到 {path}</translation>
    </message>
    <message>
        <source>wrote {n:,} contacts to {path}</source>
        <translation>已导出 {n:,} 个联系人到 {path}</translation>
    </message>
    <message>
        <source>wrote 1 order to {path}</source>
        <translation>已导出 1 个订单到 {path}</translation>
    </message>
    <message>
        <source>wrote {n:,} orders to {path}</source>
        <translation>已导出 {n:,} 个订单到 {path}</translation>
    </message>
    <message>
        <source>wrote 1 ticket to {path}</source>
        <translation>已导出 1 个工单到 {path}</translation>
    </message>
    <message>
        <source>wrote {n:,} tickets to {path}</source>
        <translation>已导出 {n:,} 个工单到 {path}</translation>
    </message>
    <message>
        <source>unknown status {status}; statuses: {statuses}</source>
        <translation>未知的状态 {status}；可用的状态：{statuses}</translation>
    </message>
    <message>
        <source>unknown priority {priority}; priorities: {priorities}</source>
        <translation>未知的优先级 {priority}；可用的优先级：{priorities}</translation>
    </message>
    <message>
        <source>no customer with the code {code}</source>
        <translation>没有编号为 {code} 的客户</translation>
    </message>
    <message>
        <source>Checked {done:,} of {total:,} rows…</source>
        <translation>已检查 {done:,} / {total:,} 行…</translation>
    </message>
    <message>
        <source>Imported {done:,} of {total:,} rows…</source>
        <translation>已导入 {done:,} / {total:,} 行…</translation>
    </message>
    <message>
        <source>nothing could be read: {reason}</source>
        <translation>无法读取任何内容：{reason}</translation>
    </message>
    <message>
        <source>columns found: {columns}</source>
        <translation>文件中的列：{columns}</translation>
    </message>
    <message>
        <source>row {row}: {reason} ({value})</source>
        <translation>第 {row} 行：{reason}（{value}）</translation>
    </message>
    <message>
        <source>row {row}: {reason}</source>
        <translation>第 {row} 行：{reason}</translation>
    </message>
    <message>
        <source>... and {n} more problems</source>
        <translation>……另有 {n} 个问题</translation>
    </message>
    <message>
        <source>... and {n} more problems (--report FILE.xlsx lists them all)</source>
        <translation>……另有 {n} 个问题（--report FILE.xlsx 会列出全部问题）</translation>
    </message>
    <message>
        <source>{file}: read {read:,}, would import {imported:,}, would update {updated:,}, skipped {skipped:,}, rejected {rejected:,}</source>
        <translation>{file}：读取 {read:,} 行，将导入 {imported:,} 行，将更新 {updated:,} 行，跳过 {skipped:,} 行，未通过 {rejected:,} 行</translation>
    </message>
    <message>
        <source>{file}: read {read:,}, imported {imported:,}, updated {updated:,}, skipped {skipped:,}, rejected {rejected:,}</source>
        <translation>{file}：读取 {read:,} 行，导入 {imported:,} 行，更新 {updated:,} 行，跳过 {skipped:,} 行，未通过 {rejected:,} 行</translation>
    </message>
    <message>
        <source>{counts}; report: {path}</source>
        <translation>{counts}；报告：{path}</translation>
    </message>
    <message>
        <source>added {user} ({role}, team {team})</source>
        <translation>已添加 {user}（{role}，团队 {team}）</translation>
    </message>
    <message>
        <source>added {user} ({role})</source>
        <translation>已添加 {user}（{role}）</translation>
    </message>
    <message>
        <source>password: {password}</source>
        <translation>密码：{password}</translation>
    </message>
    <message>
        <source>{user}: enabled</source>
        <translation>{user}：已启用</translation>
    </message>
    <message>
        <source>{user}: disabled</source>
        <translation>{user}：已停用</translation>
    </message>
    <message>
        <source>{user}: password changed</source>
        <translation>{user}：密码已修改</translation>
    </message>
    <message>
        <source>{role}, team {team}</source>
        <translation>{role}，团队 {team}</translation>
    </message>
    <message>
        <source>{role}, reports to {manager}</source>
        <translation>{role}，直属上级 {manager}</translation>
    </message>
    <message>
        <source>{user}: {role}</source>
        <translation>{user}：{role}</translation>
    </message>
    <message>
        <source>{database} is not an offline replica: make one with desktop-crm replica create --server URL</source>
        <translation>{database} 不是离线副本：请用 desktop-crm replica create --server URL 创建</translation>
    </message>
    <message>
        <source>the office server is on schema revision {server}, this app on {app}: ask the administrator to upgrade the server (desktop-crm init), then sync. Nothing was changed; your changes are kept.</source>
        <translation>办公室服务器的数据库结构版本为 {server}，本程序为 {app}：请管理员先升级服务器（desktop-crm init）再同步。未做任何更改；您的修改已保留。</translation>
    </message>
    <message>
        <source>the office server is on schema revision {server}, this app on {app}: install the newer app, then sync. Nothing was changed; your changes are kept.</source>
        <translation>办公室服务器的数据库结构版本为 {server}，本程序为 {app}：请先安装新版程序再同步。未做任何更改；您的修改已保留。</translation>
    </message>
    <message>
        <source>the office server is older than this replica&apos;s last sync (restored from a backup?): ask the administrator. Nothing was changed; your changes are kept.</source>
        <translation>办公室服务器比本副本上次同步时还旧（可能从备份恢复过）：请联系管理员。未做任何更改；您的修改已保留。</translation>
    </message>
    <message>
        <source>the office server {server} cannot be reached: your changes are kept on this computer; sync again when connected</source>
        <translation>无法连接办公室服务器 {server}：您的修改保留在本机；联网后请再次同步</translation>
    </message>
    <message>
        <source>sync cancelled: what was sent is kept, the rest goes next time</source>
        <translation>同步已取消：已发送的保留，其余下次发送</translation>
    </message>
    <message>
        <source>the office server did not accept the login {login}: keep its password in the keyring (the app&apos;s Settings, Database) and sync again; your changes are kept</source>
        <translation>办公室服务器未接受登录名 {login}：请在程序的“设置 → 数据库”中把密码保存到钥匙串后再同步；您的修改已保留</translation>
    </message>
    <message>
        <source>the login {login} is no user of this CRM: ask the administrator</source>
        <translation>登录名 {login} 不是本 CRM 的用户：请联系管理员</translation>
    </message>
    <message>
        <source>{path} already exists: choose another file, or remove it first</source>
        <translation>{path} 已存在：请换一个文件，或先删除它</translation>
    </message>
    <message>
        <source>made the offline replica {file} ({customers} customers); open it with --db {url}</source>
        <translation>已创建离线副本 {file}（{customers} 个客户）；用 --db {url} 打开</translation>
    </message>
    <message>
        <source>synced: {pushed} sent, {pulled} received, {conflicts} conflicts</source>
        <translation>同步完成：发送 {pushed} 条，接收 {pulled} 条，冲突 {conflicts} 个</translation>
    </message>
    <message>
        <source>conflict {id} resolved: {choice}</source>
        <translation>冲突 {id} 已处理：{choice}</translation>
    </message>
    <message>
        <source>{n} open conflicts</source>
        <translation>{n} 个未处理的冲突</translation>
    </message>
    <message>
        <source>--keep-days must be 1 or more</source>
        <translation>--keep-days 须为 1 或更大</translation>
    </message>
    <message>
        <source>{database} is no office server: only a PostgreSQL server keeps a change log</source>
        <translation>{database} 不是办公室服务器：只有 PostgreSQL 服务器保存变更日志</translation>
    </message>
    <message>
        <source>removed {n} change log entries older than {days} days</source>
        <translation>已删除 {days} 天前的 {n} 条变更日志</translation>
    </message>
</context>
<context>
    <name>ColumnMenu</name>
    <message>
        <source>Restore default columns</source>
        <translation>恢复默认列</translation>
    </message>
</context>
<context>
    <name>CompanyPage</name>
    <message>
        <source>Your company</source>
        <translation>您的公司</translation>
    </message>
    <message>
        <source>The name is printed on the title page of reports.</source>
        <translation>公司名称会印在报表的封面上。</translation>
    </message>
    <message>
        <source>Company name</source>
        <translation>公司名称</translation>
    </message>
    <message>
        <source>e.g. 上海明远贸易有限公司</source>
        <translation>例如：上海明远贸易有限公司</translation>
    </message>
    <message>
        <source>You can leave it empty and set it later in Settings. On a shared office database only a manager or an administrator can change it.</source>
        <translation>可以先留空，以后在“设置”中填写。使用办公室共享数据库时，只有经理或管理员可以修改。</translation>
    </message>
</context>
<context>
    <name>CompleteDialog</name>
    <message>
        <source>Complete follow-up</source>
        <translation>完成跟进</translation>
    </message>
    <message>
        <source>Outcome</source>
        <translation>结果</translation>
    </message>
    <message>
        <source>What was agreed, what the customer needs next</source>
        <translation>谈妥了什么，客户接下来需要什么</translation>
    </message>
    <message>
        <source>Next follow-up</source>
        <translation>下次跟进</translation>
    </message>
    <message>
        <source>By the customer&apos;s cadence (if nothing else is planned)</source>
        <translation>按客户的跟进节奏（如果没有其他安排）</translation>
    </message>
    <message>
        <source>On</source>
        <translation>定在</translation>
    </message>
    <message>
        <source>None</source>
        <translation>不安排</translation>
    </message>
    <message>
        <source>Follow up with {customer}</source>
        <translation>跟进{customer}</translation>
    </message>
    <message>
        <source>Someone else changed this follow-up meanwhile; nothing was saved. Reload the calendar and try again.</source>
        <translation>这条跟进刚被别人修改过；本次未保存。请重新加载日历后再试。</translation>
    </message>
</context>
<context>
    <name>ConflictDialog</name>
    <message>
        <source>Someone else changed this customer</source>
        <translation>其他人修改了这个客户</translation>
    </message>
    <message>
        <source>Someone else changed this opportunity</source>
        <translation>其他人修改了这个商机</translation>
    </message>
    <message>
        <source>Field</source>
        <translation>字段</translation>
    </message>
    <message>
        <source>Original</source>
        <translation>原值</translation>
    </message>
    <message>
        <source>Yours</source>
        <translation>您的修改</translation>
    </message>
    <message>
        <source>Theirs</source>
        <translation>对方的修改</translation>
    </message>
    <message>
        <source>Choice</source>
        <translation>选择</translation>
    </message>
    <message>
        <source>Saved value</source>
        <translation>将保存的值</translation>
    </message>
    <message>
        <source>Changed by someone else</source>
        <translation>已被他人修改</translation>
    </message>
    <message>
        <source>Merged without asking (only one of you changed these):</source>
        <translation>已自动合并（只有一方修改了这些字段）：</translation>
    </message>
    <message>
        <source>Save merged</source>
        <translation>保存合并结果</translation>
    </message>
    <message>
        <source>Discard my changes</source>
        <translation>放弃我的修改</translation>
    </message>
    <message>
        <source>Keep the other person&apos;s version as it is and close your form</source>
        <translation>保留对方的版本不变，并关闭您的表单</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <source>Back to your form, with your changes as you left them (nothing is saved)</source>
        <translation>返回您的表单，您的修改保持原样（不保存任何内容）</translation>
    </message>
    <message>
        <source>%1, %2</source>
        <translation>%1，%2</translation>
    </message>
    <message>
        <source>They saved after you opened the form. For each field you both changed, choose what to keep. Nothing is saved until you choose.</source>
        <translation>对方在您打开表单后保存了修改。对于双方都修改过的每个字段，请选择要保留的值。选择之前不会保存任何内容。</translation>
    </message>
    <message>
        <source>They saved after you opened the form, but you did not change the same fields: both sets of changes can be kept.</source>
        <translation>对方在您打开表单后保存了修改，但你们没有修改相同的字段：双方的修改都可以保留。</translation>
    </message>
    <message>
        <source>theirs (%1)</source>
        <translation>对方的（%1）</translation>
    </message>
    <message>
        <source>theirs</source>
        <translation>对方的</translation>
    </message>
    <message>
        <source>you both made this change</source>
        <translation>双方做了相同的修改</translation>
    </message>
    <message>
        <source>yours</source>
        <translation>您的</translation>
    </message>
    <message>
        <source>Choose…</source>
        <translation>请选择…</translation>
    </message>
    <message>
        <source>Keep mine</source>
        <translation>保留我的</translation>
    </message>
    <message>
        <source>Take theirs</source>
        <translation>采用对方的</translation>
    </message>
    <message>
        <source>Edit merged value</source>
        <translation>编辑合并值</translation>
    </message>
    <message>
        <source>Someone else saved again while you were choosing. These are the newest values; your choices so far are your side now.</source>
        <translation>您选择期间又有人保存了修改。以下是最新的值；您刚才的选择现在作为您这一方的值。</translation>
    </message>
</context>
<context>
    <name>Connection</name>
    <message>
        <source>Connected. The database is ready (PostgreSQL %1).</source>
        <translation>已连接，数据库可以使用（PostgreSQL %1）。</translation>
    </message>
    <message>
        <source>No computer called “%1” was found on the network. Check the server name, or use its IP address.</source>
        <translation>网络上找不到名为“%1”的计算机。请检查服务器名称，或改用 IP 地址。</translation>
    </message>
    <message>
        <source>The server %1 does not answer on port %2. Check the address and the port, that the database server is running, and that no firewall blocks the port.</source>
        <translation>服务器 %1 的 %2 端口没有响应。请检查地址和端口、数据库服务是否已启动，以及防火墙是否拦截了该端口。</translation>
    </message>
    <message>
        <source>The server %1 did not answer in time. It may be switched off, or a firewall may be blocking port %2.</source>
        <translation>服务器 %1 未能及时响应。它可能已关机，或防火墙拦截了 %2 端口。</translation>
    </message>
    <message>
        <source>Something answers at %1 port %2, but it is not a PostgreSQL server. Check the port (PostgreSQL usually uses 5432).</source>
        <translation>%1 的 %2 端口有服务响应，但不是 PostgreSQL 服务器。请检查端口（PostgreSQL 通常使用 5432）。</translation>
    </message>
    <message>
        <source>The server did not accept the user name “%1” with this password. Check both; your administrator can reset the password.</source>
        <translation>服务器不接受用户名“%1”和这个密码。请检查两者；管理员可以为您重置密码。</translation>
    </message>
    <message>
        <source>The server asks for a password: type it in the password field.</source>
        <translation>服务器要求输入密码：请在密码栏中填写。</translation>
    </message>
    <message>
        <source>The server has no database called “%1”. Check the name with your administrator.</source>
        <translation>服务器上没有名为“%1”的数据库。请向管理员核实名称。</translation>
    </message>
    <message>
        <source>The server does not accept encrypted (SSL) connections. Choose the SSL mode “prefer”, or ask your administrator to turn SSL on.</source>
        <translation>服务器不接受加密（SSL）连接。请将加密方式选为“服务器支持时使用”，或请管理员开启 SSL。</translation>
    </message>
    <message>
        <source>Connected, but your login may not read the Desktop CRM tables. Ask your administrator to give your login access.</source>
        <translation>已连接，但您的账号无权读取 Desktop CRM 的数据表。请管理员为您的账号授权。</translation>
    </message>
    <message>
        <source>Connected, but Desktop CRM has not been set up in this database yet. An administrator can set it up now.</source>
        <translation>已连接，但这个数据库中还没有建立 Desktop CRM。管理员现在就可以建立。</translation>
    </message>
    <message>
        <source>This database was set up by an older version of Desktop CRM (schema %1, this app needs %2). An administrator should upgrade it once for everyone: click Upgrade database, or run “desktop-crm init”.</source>
        <translation>这个数据库由旧版 Desktop CRM 建立（结构版本 %1，本程序需要 %2）。请管理员为大家升级一次：点击“升级数据库”，或运行“desktop-crm init”。</translation>
    </message>
    <message>
        <source>This database was upgraded by a newer version of Desktop CRM (schema %1). Install the newer version of the app on this computer first.</source>
        <translation>这个数据库已由新版 Desktop CRM 升级（结构版本 %1）。请先在本机安装新版程序。</translation>
    </message>
    <message>
        <source>Could not connect: %1</source>
        <translation>无法连接：%1</translation>
    </message>
</context>
<context>
    <name>ConnectionBanner</name>
    <message>
        <source>Retry now</source>
        <translation>立即重试</translation>
    </message>
    <message>
        <source>The database server cannot be reached. Trying again in %1 s; your work stays as it is.</source>
        <translation>无法连接数据库服务器。%1 秒后重试；您正在做的工作保持不变。</translation>
    </message>
    <message numerus="yes">
        <source>%n change(s) will be saved when it is back.</source>
        <translation>
            <numerusform>连接恢复后将保存 %n 项更改。</numerusform>
        </translation>
    </message>
    <message>
        <source>Connecting to the database server…</source>
        <translation>正在连接数据库服务器…</translation>
    </message>
    <message>
        <source>Connected again.</source>
        <translation>已重新连接。</translation>
    </message>
    <message numerus="yes">
        <source>%n waiting change(s) saved.</source>
        <translation>
            <numerusform>已保存 %n 项等待中的更改。</numerusform>
        </translation>
    </message>
    <message>
        <source>Not saved yet: the database server cannot be reached. Your changes stay in this form and are saved as soon as it answers again.</source>
        <translation>尚未保存：无法连接数据库服务器。您的修改保留在此表单中，服务器恢复后会立即保存。</translation>
    </message>
</context>
<context>
    <name>ConnectionDialog</name>
    <message>
        <source>Connect to the office database</source>
        <translation>连接办公室数据库</translation>
    </message>
    <message>
        <source>Ask your administrator for the server, the database and your user name and password.</source>
        <translation>服务器、数据库以及您的用户名和密码请向管理员索取。</translation>
    </message>
    <message>
        <source>Connect</source>
        <translation>连接</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
</context>
<context>
    <name>ConnectionForm</name>
    <message>
        <source>e.g. crm-server or 192.168.1.20</source>
        <translation>例如 crm-server 或 192.168.1.20</translation>
    </message>
    <message>
        <source>Off</source>
        <translation>关闭</translation>
    </message>
    <message>
        <source>Use if the server offers it</source>
        <translation>服务器支持时使用</translation>
    </message>
    <message>
        <source>Required</source>
        <translation>必须加密</translation>
    </message>
    <message>
        <source>Required, check the certificate</source>
        <translation>必须加密，并校验证书</translation>
    </message>
    <message>
        <source>Required, check the certificate and name</source>
        <translation>必须加密，并校验证书和服务器名</translation>
    </message>
    <message>
        <source>Remember the password on this computer (%1)</source>
        <translation>在本机记住密码（%1）</translation>
    </message>
    <message>
        <source>This computer has no secure password store, so Desktop CRM will ask for the password each time it starts. It never writes the password to a file.</source>
        <translation>本机没有安全的密码存储，因此 Desktop CRM 每次启动时都会询问密码。密码绝不会写入任何文件。</translation>
    </message>
    <message>
        <source>Test connection</source>
        <translation>测试连接</translation>
    </message>
    <message>
        <source>Server</source>
        <translation>服务器</translation>
    </message>
    <message>
        <source>Port</source>
        <translation>端口</translation>
    </message>
    <message>
        <source>Database</source>
        <translation>数据库</translation>
    </message>
    <message>
        <source>User name</source>
        <translation>用户名</translation>
    </message>
    <message>
        <source>Password</source>
        <translation>密码</translation>
    </message>
    <message>
        <source>Encryption (SSL)</source>
        <translation>加密（SSL）</translation>
    </message>
    <message>
        <source>the server</source>
        <translation>服务器</translation>
    </message>
    <message>
        <source>the port</source>
        <translation>端口</translation>
    </message>
    <message>
        <source>the database</source>
        <translation>数据库</translation>
    </message>
    <message>
        <source>the user name</source>
        <translation>用户名</translation>
    </message>
    <message>
        <source>Fill in %1.</source>
        <translation>请填写%1。</translation>
    </message>
    <message>
        <source>, </source>
        <translation>、</translation>
    </message>
    <message>
        <source>Connecting to %1…</source>
        <translation>正在连接 %1…</translation>
    </message>
    <message>
        <source>Setting up the database on %1…</source>
        <translation>正在 %1 上建立数据库…</translation>
    </message>
    <message>
        <source>The database could not be set up: %1</source>
        <translation>无法建立数据库：%1</translation>
    </message>
    <message>
        <source>Set up the database</source>
        <translation>建立数据库</translation>
    </message>
    <message>
        <source>Upgrade database</source>
        <translation>升级数据库</translation>
    </message>
</context>
<context>
    <name>CustomerDialog</name>
    <message>
        <source>A customer with this phone already exists: %1</source>
        <translation>已有使用此电话的客户：%1</translation>
    </message>
    <message>
        <source>A customer with this email address already exists: %1</source>
        <translation>已有使用此邮箱的客户：%1</translation>
    </message>
    <message>
        <source>A customer with this name already exists: %1</source>
        <translation>已有同名客户：%1</translation>
    </message>
    <message>
        <source>A customer with a similar name already exists: %1</source>
        <translation>已有名称相近的客户：%1</translation>
    </message>
    <message>
        <source>Edit customer</source>
        <translation>编辑客户</translation>
    </message>
    <message>
        <source>New customer</source>
        <translation>新建客户</translation>
    </message>
    <message>
        <source>Assigned automatically</source>
        <translation>自动分配</translation>
    </message>
    <message>
        <source>Company or person name</source>
        <translation>公司或个人名称</translation>
    </message>
    <message>
        <source>e.g. 138 1234 5678 or 010 6552 9988</source>
        <translation>例如 138 1234 5678 或 010 6552 9988</translation>
    </message>
    <message>
        <source>Number of employees, e.g. 120</source>
        <translation>员工人数，例如 120</translation>
    </message>
    <message>
        <source>(public pool)</source>
        <translation>（公海）</translation>
    </message>
    <message>
        <source>Separate tags with commas</source>
        <translation>多个标签用逗号分隔</translation>
    </message>
    <message>
        <source>Hidden: only the customer&apos;s owner, a manager or someone given the right sees it in full.</source>
        <translation>已隐藏：只有客户的负责人、经理或获得授权的人才能看到完整内容。</translation>
    </message>
    <message>
        <source>open</source>
        <translation>打开</translation>
    </message>
    <message>
        <source>Someone else changed this customer after you opened it. Nothing was saved: your edits are still in this form. Copy what you need, then close it and open the customer again to see their changes.</source>
        <translation>您打开此客户后，其他人修改了它。没有保存任何内容：您的修改仍在此表单中。请复制需要的内容，然后关闭并重新打开该客户查看对方的修改。</translation>
    </message>
    <message>
        <source>Changed by someone else</source>
        <translation>已被他人修改</translation>
    </message>
    <message>
        <source>This customer was changed by someone else after you opened it, so your changes were not saved. They are still in the form.</source>
        <translation>您打开此客户后，其他人修改了它，因此您的修改没有保存。修改内容仍保留在表单中。</translation>
    </message>
    <message>
        <source>Not saved: someone else changed this customer after you opened it. Your edits are still in this form; save again to compare them with theirs.</source>
        <translation>未保存：您打开此客户后，其他人修改了它。您的修改仍在表单中；再次保存即可与对方的修改进行比较。</translation>
    </message>
</context>
<context>
    <name>CustomerPicker</name>
    <message>
        <source>Type a name, code or pinyin initials</source>
        <translation>输入名称、编号或拼音首字母</translation>
    </message>
</context>
<context>
    <name>CustomerTableModel</name>
    <message>
        <source>Code</source>
        <translation>客户编号</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>名称</translation>
    </message>
    <message>
        <source>Phone</source>
        <translation>电话</translation>
    </message>
    <message>
        <source>Owner</source>
        <translation>负责人</translation>
    </message>
    <message>
        <source>Tier</source>
        <translation>分层</translation>
    </message>
    <message>
        <source>Region</source>
        <translation>地区</translation>
    </message>
    <message>
        <source>Industry</source>
        <translation>行业</translation>
    </message>
    <message>
        <source>Source</source>
        <translation>来源</translation>
    </message>
    <message>
        <source>Health</source>
        <translation>健康度</translation>
    </message>
    <message>
        <source>Updated</source>
        <translation>更新时间</translation>
    </message>
</context>
<context>
    <name>CustomersSection</name>
    <message>
        <source>Search name, pinyin or initials, code, phone, email</source>
        <translation>搜索名称、拼音或首字母、编号、电话、邮箱</translation>
    </message>
    <message>
        <source>All tiers</source>
        <translation>全部分层</translation>
    </message>
    <message>
        <source>All health</source>
        <translation>全部健康度</translation>
    </message>
    <message>
        <source>Recycle bin</source>
        <translation>回收站</translation>
    </message>
    <message>
        <source>Show deleted customers, which can be restored</source>
        <translation>显示已删除的客户（可恢复）</translation>
    </message>
    <message>
        <source>New customer</source>
        <translation>新建客户</translation>
    </message>
    <message>
        <source>Release to pool…</source>
        <translation>退回公海…</translation>
    </message>
    <message>
        <source>Give the chosen customer back to the public pool, where any salesperson may claim it</source>
        <translation>将选中的客户退回公海，任何销售都可以领取</translation>
    </message>
    <message>
        <source>All owners</source>
        <translation>全部负责人</translation>
    </message>
    <message>
        <source>Mine</source>
        <translation>我的</translation>
    </message>
    <message>
        <source>Public pool</source>
        <translation>公海</translation>
    </message>
    <message>
        <source>All provinces</source>
        <translation>全部省份</translation>
    </message>
    <message>
        <source>All industries</source>
        <translation>全部行业</translation>
    </message>
    <message>
        <source>All tags</source>
        <translation>全部标签</translation>
    </message>
    <message>
        <source>%1 customers shown, counting…</source>
        <translation>已显示 %1 个客户，正在统计…</translation>
    </message>
    <message>
        <source>%1 of %2 customers shown</source>
        <translation>已显示 %1 / 共 %2 个客户</translation>
    </message>
    <message>
        <source>Release to pool</source>
        <translation>退回公海</translation>
    </message>
    <message>
        <source>%1 is in the public pool now</source>
        <translation>%1 已退回公海</translation>
    </message>
    <message>
        <source>Saved %1</source>
        <translation>已保存 %1</translation>
    </message>
    <message>
        <source>Delete customer</source>
        <translation>删除客户</translation>
    </message>
    <message>
        <source>Move %1 to the recycle bin? It can be restored from there.</source>
        <translation>将 %1 移到回收站？之后可以从回收站恢复。</translation>
    </message>
    <message>
        <source>Moved %1 to the recycle bin</source>
        <translation>已将 %1 移到回收站</translation>
    </message>
    <message>
        <source>Restored %1</source>
        <translation>已恢复 %1</translation>
    </message>
    <message>
        <source>Changed by someone else</source>
        <translation>已被他人修改</translation>
    </message>
    <message>
        <source>This customer was changed by someone else; it has been reloaded. Check it and try again.</source>
        <translation>此客户已被他人修改，已重新加载。请检查后重试。</translation>
    </message>
    <message>
        <source>Restore %1 customers</source>
        <translation>恢复 %1 个客户</translation>
    </message>
    <message>
        <source>Delete %1 customers…</source>
        <translation>删除 %1 个客户…</translation>
    </message>
    <message>
        <source>Not allowed</source>
        <translation>无权操作</translation>
    </message>
    <message>
        <source>Delete customers</source>
        <translation>删除客户</translation>
    </message>
    <message>
        <source>Move the %1 chosen customers to the recycle bin? They can be restored from there.</source>
        <translation>将所选的 %1 个客户移到回收站？之后可从回收站恢复。</translation>
    </message>
    <message>
        <source>Nothing was changed</source>
        <translation>未做任何更改</translation>
    </message>
    <message>
        <source>One of the chosen customers is gone or is not yours to change, so none was changed. The list has been reloaded.</source>
        <translation>所选客户中有一个已不存在或您无权修改，因此所有客户均未更改。列表已重新加载。</translation>
    </message>
    <message>
        <source>Restored %1 customers</source>
        <translation>已恢复 %1 个客户</translation>
    </message>
    <message>
        <source>Moved %1 customers to the recycle bin</source>
        <translation>已将 %1 个客户移到回收站</translation>
    </message>
</context>
<context>
    <name>DemoOffer</name>
    <message>
        <source>Welcome</source>
        <translation>欢迎</translation>
    </message>
    <message>
        <source>Your customer database is empty. Add %1 demo customers with orders, follow-ups and tickets to try the app? You can delete them later by starting with a new database.</source>
        <translation>客户数据库是空的。要添加 %1 个带订单、跟进和工单的演示客户来试用吗？以后可以换用新数据库来去掉它们。</translation>
    </message>
    <message>
        <source>Add demo data</source>
        <translation>添加演示数据</translation>
    </message>
    <message>
        <source>Start empty</source>
        <translation>从空白开始</translation>
    </message>
    <message>
        <source>Creating demo data…</source>
        <translation>正在生成演示数据…</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <source>Demo data</source>
        <translation>演示数据</translation>
    </message>
    <message>
        <source>Creating demo customers with their history: %1 of %2</source>
        <translation>正在生成演示客户及其历史记录：%1 / %2</translation>
    </message>
    <message>
        <source>Added %1 demo customers</source>
        <translation>已添加 %1 个演示客户</translation>
    </message>
    <message>
        <source>Demo data could not be created: %1</source>
        <translation>无法生成演示数据：%1</translation>
    </message>
</context>
<context>
    <name>DemoPage</name>
    <message>
        <source>Try it with demo data?</source>
        <translation>先用演示数据试试？</translation>
    </message>
    <message>
        <source>Start with an empty customer list, or with a made-up company to look around first.</source>
        <translation>可以从空的客户列表开始，也可以先用一家虚构的公司熟悉一下。</translation>
    </message>
    <message>
        <source>Add %1 demo customers with orders, follow-ups and tickets</source>
        <translation>添加 %1 个演示客户，含订单、跟进和工单</translation>
    </message>
    <message>
        <source>Demo data is for trying the app. To start over later, restore an empty backup or delete the database file.</source>
        <translation>演示数据仅供试用。以后若要重新开始，可以恢复一个空的备份，或删除数据库文件。</translation>
    </message>
</context>
<context>
    <name>DueSoonDialog</name>
    <message>
        <source>Code</source>
        <translation>客户编号</translation>
    </message>
    <message>
        <source>Customer</source>
        <translation>客户</translation>
    </message>
    <message>
        <source>Goes back</source>
        <translation>退回日期</translation>
    </message>
    <message>
        <source>Why</source>
        <translation>原因</translation>
    </message>
    <message>
        <source>Follow these customers up, or they go back to the public pool. Double-click one to open it.</source>
        <translation>请及时跟进这些客户，否则它们将退回公海。双击可打开客户。</translation>
    </message>
</context>
<context>
    <name>Duplicates</name>
    <message>
        <source>same phone</source>
        <translation>电话相同</translation>
    </message>
    <message>
        <source>same email address</source>
        <translation>邮箱相同</translation>
    </message>
    <message>
        <source>same name</source>
        <translation>名称相同</translation>
    </message>
    <message>
        <source>name sounds the same</source>
        <translation>名称同音</translation>
    </message>
    <message>
        <source>similar name</source>
        <translation>名称相近</translation>
    </message>
    <message>
        <source>Reading customers…</source>
        <translation>正在读取客户…</translation>
    </message>
    <message>
        <source>Comparing…</source>
        <translation>正在比对…</translation>
    </message>
    <message>
        <source>Grouping…</source>
        <translation>正在分组…</translation>
    </message>
    <message>
        <source>, </source>
        <translation>、</translation>
    </message>
</context>
<context>
    <name>DuplicatesDialog</name>
    <message>
        <source>Find duplicates</source>
        <translation>查找重复客户</translation>
    </message>
    <message>
        <source>Pairs scoring below this are not listed.</source>
        <translation>相似度低于此分数的不列出。</translation>
    </message>
    <message>
        <source>Find</source>
        <translation>查找</translation>
    </message>
    <message>
        <source>Stop</source>
        <translation>停止</translation>
    </message>
    <message>
        <source>Lowest score</source>
        <translation>最低相似度</translation>
    </message>
    <message>
        <source>Score</source>
        <translation>相似度</translation>
    </message>
    <message>
        <source>Customer code</source>
        <translation>客户编号</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>名称</translation>
    </message>
    <message>
        <source>Phone</source>
        <translation>电话</translation>
    </message>
    <message>
        <source>City</source>
        <translation>城市</translation>
    </message>
    <message>
        <source>Why</source>
        <translation>原因</translation>
    </message>
    <message>
        <source>Not duplicates</source>
        <translation>不是重复</translation>
    </message>
    <message>
        <source>These customers are different: do not list them together again.</source>
        <translation>这些是不同的客户：以后不再把它们列为重复。</translation>
    </message>
    <message>
        <source>Merge…</source>
        <translation>合并…</translation>
    </message>
    <message>
        <source>Merge the group into the selected customer (the first one if a group is selected).</source>
        <translation>把这一组合并到选中的客户（选中整组时为第一个客户）。</translation>
    </message>
    <message>
        <source>Searching…</source>
        <translation>正在查找…</translation>
    </message>
    <message>
        <source>Stopping…</source>
        <translation>正在停止…</translation>
    </message>
    <message>
        <source>Search stopped.</source>
        <translation>查找已停止。</translation>
    </message>
    <message>
        <source>The search failed: %1</source>
        <translation>查找失败：%1</translation>
    </message>
    <message numerus="yes">
        <source>%n customer(s)</source>
        <translation>
            <numerusform>%n 个客户</numerusform>
        </translation>
    </message>
    <message>
        <source>No likely duplicates found.</source>
        <translation>没有发现可能重复的客户。</translation>
    </message>
    <message>
        <source>The best %1 of %2 groups are listed.</source>
        <translation>共 %2 组，列出相似度最高的 %1 组。</translation>
    </message>
    <message numerus="yes">
        <source>%n group(s) of likely duplicates.</source>
        <translation>
            <numerusform>%n 组可能重复的客户。</numerusform>
        </translation>
    </message>
    <message>
        <source>Merged</source>
        <translation>已合并</translation>
    </message>
    <message numerus="yes">
        <source>%n customer(s) merged.</source>
        <translation>
            <numerusform>已合并 %n 个客户。</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>ExportColumns</name>
    <message>
        <source>Customer code</source>
        <translation>客户编号</translation>
    </message>
    <message>
        <source>Customer name</source>
        <translation>客户名称</translation>
    </message>
    <message>
        <source>Customer type</source>
        <translation>客户类型</translation>
    </message>
    <message>
        <source>Contact</source>
        <translation>联系人</translation>
    </message>
    <message>
        <source>Mobile</source>
        <translation>手机</translation>
    </message>
    <message>
        <source>Email</source>
        <translation>邮箱</translation>
    </message>
    <message>
        <source>Address</source>
        <translation>地址</translation>
    </message>
    <message>
        <source>Province</source>
        <translation>省</translation>
    </message>
    <message>
        <source>City</source>
        <translation>市</translation>
    </message>
    <message>
        <source>Region</source>
        <translation>区域</translation>
    </message>
    <message>
        <source>Industry</source>
        <translation>行业</translation>
    </message>
    <message>
        <source>Source</source>
        <translation>来源</translation>
    </message>
    <message>
        <source>Owner</source>
        <translation>负责人</translation>
    </message>
    <message>
        <source>Tier</source>
        <translation>客户分层</translation>
    </message>
    <message>
        <source>Tags</source>
        <translation>标签</translation>
    </message>
    <message>
        <source>Employees</source>
        <translation>员工人数</translation>
    </message>
    <message>
        <source>Notes</source>
        <translation>备注</translation>
    </message>
    <message>
        <source>Created</source>
        <translation>创建日期</translation>
    </message>
    <message>
        <source>Job title</source>
        <translation>职务</translation>
    </message>
    <message>
        <source>WeChat ID</source>
        <translation>微信号</translation>
    </message>
    <message>
        <source>Other phone</source>
        <translation>其他电话</translation>
    </message>
    <message>
        <source>Primary contact</source>
        <translation>主联系人</translation>
    </message>
    <message>
        <source>Order number</source>
        <translation>订单编号</translation>
    </message>
    <message>
        <source>Order date</source>
        <translation>下单日期</translation>
    </message>
    <message>
        <source>Amount</source>
        <translation>金额</translation>
    </message>
    <message>
        <source>Currency</source>
        <translation>币种</translation>
    </message>
    <message>
        <source>Order status</source>
        <translation>订单状态</translation>
    </message>
    <message>
        <source>Planned time</source>
        <translation>计划时间</translation>
    </message>
    <message>
        <source>Follow-up type</source>
        <translation>跟进方式</translation>
    </message>
    <message>
        <source>Subject</source>
        <translation>主题</translation>
    </message>
    <message>
        <source>Duration (minutes)</source>
        <translation>时长（分钟）</translation>
    </message>
    <message>
        <source>Follow-up status</source>
        <translation>跟进状态</translation>
    </message>
    <message>
        <source>Done at</source>
        <translation>完成时间</translation>
    </message>
    <message>
        <source>Outcome</source>
        <translation>结果</translation>
    </message>
    <message>
        <source>Ticket number</source>
        <translation>工单编号</translation>
    </message>
    <message>
        <source>Priority</source>
        <translation>优先级</translation>
    </message>
    <message>
        <source>Ticket status</source>
        <translation>工单状态</translation>
    </message>
    <message>
        <source>Assignee</source>
        <translation>处理人</translation>
    </message>
    <message>
        <source>Opened</source>
        <translation>创建时间</translation>
    </message>
    <message>
        <source>First response</source>
        <translation>首次响应时间</translation>
    </message>
    <message>
        <source>Resolution deadline</source>
        <translation>解决时限</translation>
    </message>
    <message>
        <source>Resolved</source>
        <translation>解决时间</translation>
    </message>
    <message>
        <source>Satisfaction</source>
        <translation>满意度</translation>
    </message>
    <message>
        <source>Description</source>
        <translation>描述</translation>
    </message>
</context>
<context>
    <name>ExportDialog</name>
    <message>
        <source>Export customers</source>
        <translation>导出客户</translation>
    </message>
    <message>
        <source>Export contacts</source>
        <translation>导出联系人</translation>
    </message>
    <message>
        <source>Export orders</source>
        <translation>导出订单</translation>
    </message>
    <message>
        <source>Export follow-ups</source>
        <translation>导出跟进</translation>
    </message>
    <message>
        <source>Export tickets</source>
        <translation>导出工单</translation>
    </message>
    <message>
        <source>Excel workbook (.xlsx)</source>
        <translation>Excel 工作簿 (.xlsx)</translation>
    </message>
    <message>
        <source>CSV, UTF-8 (.csv)</source>
        <translation>CSV，UTF-8 (.csv)</translation>
    </message>
    <message>
        <source>Comma-separated text with a byte-order mark, so Excel opens Chinese correctly.</source>
        <translation>逗号分隔的文本，带字节顺序标记 (BOM)，Excel 打开时中文不会乱码。</translation>
    </message>
    <message>
        <source>Select all</source>
        <translation>全选</translation>
    </message>
    <message>
        <source>Select none</source>
        <translation>全不选</translation>
    </message>
    <message>
        <source>Browse…</source>
        <translation>浏览…</translation>
    </message>
    <message>
        <source>Format</source>
        <translation>格式</translation>
    </message>
    <message>
        <source>File</source>
        <translation>文件</translation>
    </message>
    <message>
        <source>Export</source>
        <translation>导出</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <source>Columns (in this order)</source>
        <translation>导出列（按此顺序）</translation>
    </message>
    <message>
        <source>Excel workbook (*.xlsx)</source>
        <translation>Excel 工作簿 (*.xlsx)</translation>
    </message>
    <message>
        <source>CSV file (*.csv)</source>
        <translation>CSV 文件 (*.csv)</translation>
    </message>
    <message>
        <source>Export to</source>
        <translation>导出到</translation>
    </message>
    <message>
        <source>Close</source>
        <translation>关闭</translation>
    </message>
    <message>
        <source>Exporting…</source>
        <translation>正在导出…</translation>
    </message>
    <message>
        <source>%1 of %2 rows written</source>
        <translation>已写入 %1 / %2 行</translation>
    </message>
    <message>
        <source>Exported 1 row to %1</source>
        <translation>已导出 1 行到 %1</translation>
    </message>
    <message numerus="yes">
        <source>Exported %n rows to %1</source>
        <translation>
            <numerusform>已导出 %n 行到 %1</numerusform>
        </translation>
    </message>
    <message>
        <source>Export cancelled; no file was written.</source>
        <translation>导出已取消，未写入任何文件。</translation>
    </message>
    <message>
        <source>The folder of %1 does not exist.</source>
        <translation>%1 所在的文件夹不存在。</translation>
    </message>
    <message>
        <source>%1 is a folder; choose a file name.</source>
        <translation>%1 是文件夹，请选择文件名。</translation>
    </message>
    <message>
        <source>Cannot write %1 (%2). Is the file open in another program, or the disk full?</source>
        <translation>无法写入 %1（%2）。文件是否已在其他程序中打开，或磁盘已满？</translation>
    </message>
    <message>
        <source>Export failed: %1</source>
        <translation>导出失败：%1</translation>
    </message>
    <message>
        <source>Cancelling…</source>
        <translation>正在取消…</translation>
    </message>
</context>
<context>
    <name>FilePage</name>
    <message>
        <source>Choose what to import and the file</source>
        <translation>选择导入内容和文件</translation>
    </message>
    <message>
        <source>An Excel workbook (.xlsx, .xls) or a CSV file (UTF-8, GBK or UTF-16). Its columns are recognised by their headers, in Chinese or English.</source>
        <translation>Excel 工作簿（.xlsx、.xls）或 CSV 文件（UTF-8、GBK 或 UTF-16）。程序按中文或英文表头识别各列。</translation>
    </message>
    <message>
        <source>Choose a file…</source>
        <translation>请选择文件…</translation>
    </message>
    <message>
        <source>Choose file…</source>
        <translation>选择文件…</translation>
    </message>
    <message>
        <source>Sheet</source>
        <translation>工作表</translation>
    </message>
    <message>
        <source>Import</source>
        <translation>导入</translation>
    </message>
    <message>
        <source>File</source>
        <translation>文件</translation>
    </message>
    <message>
        <source>Choose the file to import</source>
        <translation>选择要导入的文件</translation>
    </message>
    <message>
        <source>Spreadsheets (%1)</source>
        <translation>表格文件 (%1)</translation>
    </message>
    <message>
        <source>All files (*)</source>
        <translation>所有文件 (*)</translation>
    </message>
    <message>
        <source>Reading %1…</source>
        <translation>正在读取 %1…</translation>
    </message>
    <message>
        <source>Columns it recognises by their headers (* required): %1. Other names can be matched by hand in the next step; a title above the header row is skipped.</source>
        <translation>可自动识别的表头（* 为必填）：%1。其他名称的列可以在下一步手动对应；表头上方的标题行会被跳过。</translation>
    </message>
    <message>
        <source>The file cannot be read: %1</source>
        <translation>文件无法读取：%1</translation>
    </message>
    <message>
        <source>CSV file, encoding: %1, columns separated by: %2</source>
        <translation>CSV 文件，编码：%1，分隔符：%2</translation>
    </message>
    <message>
        <source>Sheet “%1” of %2 in the workbook</source>
        <translation>工作表“%1”（工作簿共 %2 个工作表）</translation>
    </message>
    <message>
        <source>Headers in row %1: %2</source>
        <translation>表头在第 %1 行：%2</translation>
    </message>
    <message>
        <source>No header row found: the columns are named A, B, C…</source>
        <translation>没有找到表头行：各列按 A、B、C… 命名</translation>
    </message>
</context>
<context>
    <name>FirstRunWizard</name>
    <message>
        <source>Welcome to Desktop CRM</source>
        <translation>欢迎使用 Desktop CRM</translation>
    </message>
    <message>
        <source>&lt; Back</source>
        <translation>&lt; 上一步</translation>
    </message>
    <message>
        <source>Next &gt;</source>
        <translation>下一步 &gt;</translation>
    </message>
    <message>
        <source>Finish</source>
        <translation>完成</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
</context>
<context>
    <name>HistoryWidget</name>
    <message>
        <source>Loading…</source>
        <translation>正在加载…</translation>
    </message>
    <message>
        <source>When</source>
        <translation>时间</translation>
    </message>
    <message>
        <source>Who</source>
        <translation>操作人</translation>
    </message>
    <message>
        <source>Field</source>
        <translation>字段</translation>
    </message>
    <message>
        <source>Change</source>
        <translation>变更</translation>
    </message>
    <message>
        <source>(system)</source>
        <translation>（系统）</translation>
    </message>
    <message>
        <source>No changes recorded yet.</source>
        <translation>还没有变更记录。</translation>
    </message>
    <message>
        <source>The history could not be read: %1</source>
        <translation>无法读取变更历史：%1</translation>
    </message>
    <message>
        <source>Details</source>
        <translation>详情</translation>
    </message>
    <message>
        <source>History</source>
        <translation>历史记录</translation>
    </message>
    <message>
        <source>Who changed what and when</source>
        <translation>谁在什么时候改了什么</translation>
    </message>
</context>
<context>
    <name>HolidaysDialog</name>
    <message>
        <source>Holiday calendar</source>
        <translation>节假日日历</translation>
    </message>
    <message>
        <source>Year</source>
        <translation>年份</translation>
    </message>
    <message>
        <source>Reload year from the library</source>
        <translation>从库中重新载入该年</translation>
    </message>
    <message>
        <source>Date</source>
        <translation>日期</translation>
    </message>
    <message>
        <source>Day</source>
        <translation>日</translation>
    </message>
    <message>
        <source>Kind</source>
        <translation>类别</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>名称</translation>
    </message>
    <message>
        <source>Source</source>
        <translation>来源</translation>
    </message>
    <message>
        <source>Holiday (day off)</source>
        <translation>节假日（放假）</translation>
    </message>
    <message>
        <source>Working day (weekend worked)</source>
        <translation>调休上班（周末上班）</translation>
    </message>
    <message>
        <source>Name, e.g. 公司年会</source>
        <translation>名称，例如 公司年会</translation>
    </message>
    <message>
        <source>Set day</source>
        <translation>设置该日</translation>
    </message>
    <message>
        <source>Make ordinary day</source>
        <translation>恢复为普通日</translation>
    </message>
    <message>
        <source>Close</source>
        <translation>关闭</translation>
    </message>
    <message>
        <source>Holiday</source>
        <translation>节假日</translation>
    </message>
    <message>
        <source>Working day</source>
        <translation>调休上班</translation>
    </message>
    <message>
        <source>set by hand</source>
        <translation>手动设置</translation>
    </message>
    <message>
        <source>estimate</source>
        <translation>估计</translation>
    </message>
    <message>
        <source>%1 is not announced yet: these days are an estimate without the weekend working days. Reload the year once the State Council publishes the schedule, or set the days by hand.</source>
        <translation>%1 年的放假安排尚未公布：这些日期是估计的，不含调休上班日。国务院公布安排后请重新载入该年，或手动设置。</translation>
    </message>
    <message>
        <source>Days off and weekend working days (调休) of %1. Weekends not listed are days off.</source>
        <translation>%1 年的放假日和调休上班日。未列出的周末为休息日。</translation>
    </message>
    <message>
        <source>Reload year</source>
        <translation>重新载入该年</translation>
    </message>
    <message>
        <source>Replace the library&apos;s days of %1 with what the library knows now? Days set by hand stay.</source>
        <translation>用库中最新数据替换 %1 年的节假日？手动设置的日期会保留。</translation>
    </message>
</context>
<context>
    <name>Home</name>
    <message>
        <source>Today&apos;s follow-ups</source>
        <translation>今日跟进</translation>
    </message>
    <message>
        <source>Deals closing this month</source>
        <translation>本月预计成交</translation>
    </message>
    <message>
        <source>My targets</source>
        <translation>我的业绩目标</translation>
    </message>
    <message>
        <source>My at-risk customers</source>
        <translation>我的风险客户</translation>
    </message>
    <message>
        <source>Going back to the pool soon</source>
        <translation>即将退回公海</translation>
    </message>
    <message>
        <source>Team attainment this month</source>
        <translation>本月团队业绩达成</translation>
    </message>
    <message>
        <source>Pipeline coverage</source>
        <translation>销售管道覆盖率</translation>
    </message>
    <message>
        <source>Revenue</source>
        <translation>营收</translation>
    </message>
    <message>
        <source>Tickets breaching SLA</source>
        <translation>超时工单</translation>
    </message>
    <message>
        <source>Tier migration</source>
        <translation>客户层级变动</translation>
    </message>
    <message>
        <source>Strategic customers at risk</source>
        <translation>高风险战略客户</translation>
    </message>
    <message>
        <source>My open tickets</source>
        <translation>我的待处理工单</translation>
    </message>
    <message>
        <source>Breached and due soon</source>
        <translation>已超时与即将超时</translation>
    </message>
    <message>
        <source>Satisfaction this month</source>
        <translation>本月满意度</translation>
    </message>
    <message>
        <source>no recent order</source>
        <translation>近期未下单</translation>
    </message>
    <message>
        <source>spending less</source>
        <translation>消费下降</translation>
    </message>
    <message>
        <source>open tickets</source>
        <translation>有未结工单</translation>
    </message>
    <message>
        <source>unsatisfied</source>
        <translation>满意度低</translation>
    </message>
    <message>
        <source>not followed up</source>
        <translation>未跟进</translation>
    </message>
    <message>
        <source>likely lost</source>
        <translation>可能流失</translation>
    </message>
    <message>
        <source>no follow-up</source>
        <translation>未跟进</translation>
    </message>
    <message>
        <source>deal lost</source>
        <translation>商机输单</translation>
    </message>
</context>
<context>
    <name>HomeSection</name>
    <message>
        <source>Hello, %1</source>
        <translation>您好，%1</translation>
    </message>
    <message>
        <source>Refresh</source>
        <translation>刷新</translation>
    </message>
    <message>
        <source>Sales targets…</source>
        <translation>业绩目标…</translation>
    </message>
    <message>
        <source>Loading…</source>
        <translation>正在加载…</translation>
    </message>
    <message>
        <source>Figures from %1, updating…</source>
        <translation>%1 的数据，正在更新…</translation>
    </message>
    <message>
        <source>Updated %1</source>
        <translation>更新于 %1</translation>
    </message>
    <message>
        <source>Could not load: %1</source>
        <translation>无法加载：%1</translation>
    </message>
    <message>
        <source>Nothing to show yet.</source>
        <translation>暂无内容。</translation>
    </message>
    <message>
        <source>today</source>
        <translation>今天</translation>
    </message>
    <message>
        <source>overdue</source>
        <translation>逾期</translation>
    </message>
    <message>
        <source>Nothing planned for today.</source>
        <translation>今天没有安排跟进。</translation>
    </message>
    <message>
        <source>deals</source>
        <translation>个商机</translation>
    </message>
    <message>
        <source>total</source>
        <translation>总金额</translation>
    </message>
    <message>
        <source>weighted</source>
        <translation>加权金额</translation>
    </message>
    <message>
        <source>No open deal is expected to close this month.</source>
        <translation>本月没有预计成交的进行中商机。</translation>
    </message>
    <message>
        <source>This month</source>
        <translation>本月</translation>
    </message>
    <message>
        <source>This quarter</source>
        <translation>本季度</translation>
    </message>
    <message>
        <source>no target</source>
        <translation>未设目标</translation>
    </message>
    <message>
        <source>revenue this month</source>
        <translation>本月销售额</translation>
    </message>
    <message>
        <source>new customers</source>
        <translation>新客户</translation>
    </message>
    <message>
        <source>still to go</source>
        <translation>尚差</translation>
    </message>
    <message>
        <source>No target has been set for you yet. This quarter so far: %1.</source>
        <translation>尚未为您设定目标。本季度至今：%1。</translation>
    </message>
    <message>
        <source>The tick on a bar marks the share of the period gone.</source>
        <translation>柱上的竖线表示周期已过去的比例。</translation>
    </message>
    <message>
        <source>red</source>
        <translation>红色</translation>
    </message>
    <message>
        <source>amber</source>
        <translation>黄色</translation>
    </message>
    <message>
        <source>green</source>
        <translation>绿色</translation>
    </message>
    <message>
        <source>score %1</source>
        <translation>%1 分</translation>
    </message>
    <message>
        <source>No customer in the red band.</source>
        <translation>没有处于红色区间的客户。</translation>
    </message>
    <message numerus="yes">
        <source>within %n day(s)</source>
        <translation>
            <numerusform>%n 天内</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>in %n day(s)</source>
        <translation>
            <numerusform>%n 天后</numerusform>
        </translation>
    </message>
    <message>
        <source>due now</source>
        <translation>已到期</translation>
    </message>
    <message>
        <source>None of your customers goes back to the pool this week.</source>
        <translation>本周您没有客户将退回公海。</translation>
    </message>
    <message>
        <source>revenue</source>
        <translation>销售额</translation>
    </message>
    <message>
        <source>of target</source>
        <translation>目标完成</translation>
    </message>
    <message>
        <source>reached</source>
        <translation>已达成</translation>
    </message>
    <message>
        <source>No targets for this month yet: set them with Sales targets…</source>
        <translation>本月尚未设定目标：请通过“业绩目标…”设定。</translation>
    </message>
    <message>
        <source>weighted, closing this month</source>
        <translation>本月预计成交（加权）</translation>
    </message>
    <message>
        <source>this quarter</source>
        <translation>本季度</translation>
    </message>
    <message>
        <source>Coverage compares the weighted open pipeline with what is left of the revenue targets: set targets with Sales targets…</source>
        <translation>覆盖率 = 加权进行中商机 ÷ 剩余销售目标：请通过“业绩目标…”设定目标。</translation>
    </message>
    <message>
        <source>this month</source>
        <translation>本月</translation>
    </message>
    <message>
        <source>Weighted open pipeline: %1</source>
        <translation>加权进行中商机：%1</translation>
    </message>
    <message>
        <source>Still to reach the quarter&apos;s target: %1</source>
        <translation>距本季度目标尚差：%1</translation>
    </message>
    <message>
        <source>No revenue target for the quarter.</source>
        <translation>本季度未设销售额目标。</translation>
    </message>
    <message>
        <source>Coverage of 3× or more is healthy.</source>
        <translation>覆盖率达到 3 倍及以上较为健康。</translation>
    </message>
    <message>
        <source>this month so far</source>
        <translation>本月至今</translation>
    </message>
    <message>
        <source>vs last month (%1)</source>
        <translation>环比上月（%1）</translation>
    </message>
    <message>
        <source>vs a year ago (%1)</source>
        <translation>同比去年（%1）</translation>
    </message>
    <message>
        <source>paused</source>
        <translation>已暂停</translation>
    </message>
    <message>
        <source>due %1</source>
        <translation>期限 %1</translation>
    </message>
    <message>
        <source>breached</source>
        <translation>已超时</translation>
    </message>
    <message>
        <source>due soon</source>
        <translation>即将超时</translation>
    </message>
    <message>
        <source>No open ticket has missed its deadline.</source>
        <translation>没有超时的未结工单。</translation>
    </message>
    <message>
        <source>moved up</source>
        <translation>升级</translation>
    </message>
    <message>
        <source>moved down</source>
        <translation>降级</translation>
    </message>
    <message>
        <source>No customer changed tier.</source>
        <translation>没有客户变更层级。</translation>
    </message>
    <message>
        <source>open</source>
        <translation>未结</translation>
    </message>
    <message>
        <source>No open ticket is assigned to you.</source>
        <translation>没有分配给您的未结工单。</translation>
    </message>
    <message>
        <source>mine breached</source>
        <translation>我的已超时</translation>
    </message>
    <message>
        <source>mine due soon</source>
        <translation>我的即将超时</translation>
    </message>
    <message>
        <source>unassigned</source>
        <translation>未分配</translation>
    </message>
    <message>
        <source>Whole team: %1 breached, %2 due soon</source>
        <translation>全组：%1 张已超时，%2 张即将超时</translation>
    </message>
    <message numerus="yes">
        <source>mine (%n rating(s))</source>
        <translation>
            <numerusform>我的（%n 条评价）</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>team (%n rating(s))</source>
        <translation>
            <numerusform>全组（%n 条评价）</numerusform>
        </translation>
    </message>
    <message>
        <source>Resolved this month: %1 by you, %2 in all. Resolved in time: %3.</source>
        <translation>本月已解决：您 %1 张，共 %2 张。按时解决率：%3。</translation>
    </message>
</context>
<context>
    <name>ImportHistoryDialog</name>
    <message>
        <source>Import history</source>
        <translation>导入记录</translation>
    </message>
    <message>
        <source>When</source>
        <translation>时间</translation>
    </message>
    <message>
        <source>By</source>
        <translation>操作人</translation>
    </message>
    <message>
        <source>File</source>
        <translation>文件</translation>
    </message>
    <message>
        <source>What</source>
        <translation>内容</translation>
    </message>
    <message>
        <source>Rows read</source>
        <translation>读取行数</translation>
    </message>
    <message>
        <source>Created</source>
        <translation>新建</translation>
    </message>
    <message>
        <source>Updated</source>
        <translation>更新</translation>
    </message>
    <message>
        <source>Unchanged</source>
        <translation>未改动</translation>
    </message>
    <message>
        <source>Rejected</source>
        <translation>未通过</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>状态</translation>
    </message>
    <message>
        <source>No imports yet.</source>
        <translation>还没有导入过数据。</translation>
    </message>
    <message>
        <source>Undo this import…</source>
        <translation>撤销这次导入…</translation>
    </message>
    <message>
        <source>Close</source>
        <translation>关闭</translation>
    </message>
    <message>
        <source>Undoing deletes the records an import created and gives the records it updated their values back. It is refused when any of them was changed after the import.</source>
        <translation>撤销会删除这次导入新建的记录，并把它更新过的记录恢复原值。如果其中有记录在导入后被改动过，则不能撤销。</translation>
    </message>
    <message>
        <source>Undo this import?</source>
        <translation>撤销这次导入？</translation>
    </message>
    <message>
        <source>Undo the import of %1 (%2)? The %3 records it created are deleted and the %4 it updated get their earlier values back.</source>
        <translation>撤销 %1（%2）的导入？将删除它新建的 %3 条记录，并恢复它更新的 %4 条记录的原值。</translation>
    </message>
    <message>
        <source>Undoing…</source>
        <translation>正在撤销…</translation>
    </message>
    <message>
        <source>Undone: %1 records deleted, %2 restored.</source>
        <translation>已撤销：删除 %1 条记录，恢复 %2 条。</translation>
    </message>
    <message>
        <source>The import was not undone</source>
        <translation>导入未撤销</translation>
    </message>
    <message>
        <source>%1 of its records were changed or deleted after the import, so it cannot be undone as a whole. Nothing was changed.</source>
        <translation>这次导入的记录中有 %1 条在导入后被修改或删除，因此不能整体撤销。没有做任何改动。</translation>
    </message>
    <message>
        <source>Records added since the import (orders, follow-ups, contacts…) belong to records it created, so it cannot be undone. Nothing was changed.</source>
        <translation>导入之后新增的记录（订单、跟进、联系人等）属于这次导入新建的记录，因此不能撤销。没有做任何改动。</translation>
    </message>
    <message>
        <source>This import was undone already.</source>
        <translation>这次导入已经撤销过了。</translation>
    </message>
    <message>
        <source>This import is still running.</source>
        <translation>这次导入仍在进行中。</translation>
    </message>
    <message>
        <source>This import is no longer in the history.</source>
        <translation>导入记录中已没有这次导入。</translation>
    </message>
    <message>
        <source>The import was not undone: %1</source>
        <translation>导入未撤销：%1</translation>
    </message>
</context>
<context>
    <name>ImportLabels</name>
    <message>
        <source>Customers</source>
        <translation>客户</translation>
    </message>
    <message>
        <source>Contacts</source>
        <translation>联系人</translation>
    </message>
    <message>
        <source>Orders</source>
        <translation>订单</translation>
    </message>
    <message>
        <source>Interactions</source>
        <translation>沟通记录</translation>
    </message>
    <message>
        <source>Follow-ups</source>
        <translation>跟进计划</translation>
    </message>
    <message>
        <source>Skip</source>
        <translation>跳过</translation>
    </message>
    <message>
        <source>Update</source>
        <translation>更新</translation>
    </message>
    <message>
        <source>Fill empty fields only</source>
        <translation>只补充空白字段</translation>
    </message>
    <message>
        <source>Leave the existing record as it is (a contact taken from a customer list&apos;s contact column and not edited since is completed).</source>
        <translation>保留已有记录不变（由客户表“联系人”列生成且之后未修改的联系人会被补全）。</translation>
    </message>
    <message>
        <source>Overwrite the existing record with every value the row has (empty cells change nothing).</source>
        <translation>用这一行的值覆盖已有记录（空白单元格不改动）。</translation>
    </message>
    <message>
        <source>Add what the existing record lacks; change nothing it already has.</source>
        <translation>只填写已有记录中空着的字段，已有的内容不改。</translation>
    </message>
    <message>
        <source>A row is the same customer as one already there when the customer code matches, else the phone, else the email.</source>
        <translation>按客户编号判断是否为已有客户；没有编号时看手机/电话，再看邮箱。</translation>
    </message>
    <message>
        <source>A row is the same contact as one already there when it has the same customer and phone, email or name.</source>
        <translation>同一客户下手机、邮箱或姓名相同，即视为已有联系人。</translation>
    </message>
    <message>
        <source>A row is the same order as one already there when the order number matches, else the customer, date and amount.</source>
        <translation>订单号相同即视为已有订单；没有订单号时看客户、日期和金额。</translation>
    </message>
    <message>
        <source>A row is the same interaction as one already there when the customer, time and channel match.</source>
        <translation>客户、时间和沟通方式都相同，即视为已有沟通记录。</translation>
    </message>
    <message>
        <source>A row is the same follow-up as one already there when the customer, time and subject match.</source>
        <translation>客户、时间和主题都相同，即视为已有跟进计划。</translation>
    </message>
    <message>
        <source>Customer code</source>
        <translation>客户编号</translation>
    </message>
    <message>
        <source>Customer name</source>
        <translation>客户名称</translation>
    </message>
    <message>
        <source>Contact</source>
        <translation>联系人</translation>
    </message>
    <message>
        <source>Main contact</source>
        <translation>主联系人</translation>
    </message>
    <message>
        <source>Order number</source>
        <translation>订单号</translation>
    </message>
    <message>
        <source>Order date</source>
        <translation>下单日期</translation>
    </message>
    <message>
        <source>Amount</source>
        <translation>金额</translation>
    </message>
    <message>
        <source>Currency</source>
        <translation>币种</translation>
    </message>
    <message>
        <source>Order status</source>
        <translation>订单状态</translation>
    </message>
    <message>
        <source>Recorded by</source>
        <translation>跟进人</translation>
    </message>
    <message>
        <source>Subject</source>
        <translation>主题</translation>
    </message>
    <message>
        <source>Follow-up type</source>
        <translation>跟进方式</translation>
    </message>
    <message>
        <source>Planned time</source>
        <translation>计划时间</translation>
    </message>
    <message>
        <source>Duration (minutes)</source>
        <translation>时长（分钟）</translation>
    </message>
    <message>
        <source>Done</source>
        <translation>已完成</translation>
    </message>
    <message>
        <source>Customer type</source>
        <translation>客户类型</translation>
    </message>
    <message>
        <source>Contact name</source>
        <translation>联系人姓名</translation>
    </message>
    <message>
        <source>Required, but empty</source>
        <translation>必填，但为空</translation>
    </message>
    <message>
        <source>Not a valid phone number</source>
        <translation>电话号码无效</translation>
    </message>
    <message>
        <source>Not a valid email address</source>
        <translation>邮箱地址无效</translation>
    </message>
    <message>
        <source>Not a date (write it like 2024-03-05, 2024/3/5 or 2024年3月5日)</source>
        <translation>日期无法识别（请写成 2024-03-05、2024/3/5 或 2024年3月5日）</translation>
    </message>
    <message>
        <source>Not an amount (write it like 1200, 1,200.50, ¥1,200 or 12万)</source>
        <translation>金额无法识别（请写成 1200、1,200.50、¥1,200 或 12万）</translation>
    </message>
    <message>
        <source>Not a whole number</source>
        <translation>不是整数</translation>
    </message>
    <message>
        <source>Not one of the choices: %1</source>
        <translation>不是可选的值：%1</translation>
    </message>
    <message>
        <source>Not yes or no (write 是 or 否, 1 or 0)</source>
        <translation>不是“是”或“否”（请写 是/否 或 1/0）</translation>
    </message>
    <message>
        <source>Out of range</source>
        <translation>超出范围</translation>
    </message>
    <message>
        <source>Out of range (%1 to %2)</source>
        <translation>超出范围（%1 到 %2）</translation>
    </message>
    <message>
        <source>Too long (at most %1 characters)</source>
        <translation>内容过长（最多 %1 个字）</translation>
    </message>
    <message>
        <source>A formula, not a value</source>
        <translation>是公式，不是值</translation>
    </message>
    <message>
        <source>No user has this name</source>
        <translation>没有这个名字的用户</translation>
    </message>
    <message>
        <source>More than one user has this name</source>
        <translation>有多个同名用户</translation>
    </message>
    <message>
        <source>No customer has this code or name</source>
        <translation>没有这个编号或名称的客户</translation>
    </message>
    <message>
        <source>More than one customer has this name: write the customer code</source>
        <translation>有多个同名客户：请填写客户编号</translation>
    </message>
    <message>
        <source>The same record as row %1 of this file</source>
        <translation>与本文件第 %1 行是同一条记录</translation>
    </message>
    <message>
        <source>This order number belongs to another customer&apos;s order</source>
        <translation>该订单号已属于其他客户的订单</translation>
    </message>
    <message>
        <source>Already used by another record</source>
        <translation>已被其他记录使用</translation>
    </message>
    <message>
        <source>The file cannot be read from this row on</source>
        <translation>文件从这一行起无法读取</translation>
    </message>
    <message>
        <source>There is no file %1.</source>
        <translation>找不到文件 %1。</translation>
    </message>
    <message>
        <source>%1 is not a spreadsheet: choose an Excel workbook (.xlsx, .xls) or a CSV file.</source>
        <translation>%1 不是表格文件：请选择 Excel 工作簿（.xlsx、.xls）或 CSV 文件。</translation>
    </message>
    <message>
        <source>%1 is not in an encoding this program knows (UTF-8, GBK/GB18030 or UTF-16). Save it from Excel as “CSV UTF-8” or as a workbook.</source>
        <translation>%1 的编码无法识别（支持 UTF-8、GBK/GB18030、UTF-16）。请在 Excel 中另存为“CSV UTF-8”或工作簿。</translation>
    </message>
    <message>
        <source>%1 cannot be read: it is damaged, protected by a password, or not what its name says.</source>
        <translation>%1 无法读取：文件已损坏、设有密码，或与扩展名不符。</translation>
    </message>
    <message>
        <source>%1 has no sheet to import.</source>
        <translation>%1 中没有可导入的工作表。</translation>
    </message>
    <message>
        <source>There is nothing in %1.</source>
        <translation>%1 中没有内容。</translation>
    </message>
    <message>
        <source>Running or interrupted</source>
        <translation>进行中或已中断</translation>
    </message>
    <message>
        <source>Cancelled</source>
        <translation>已取消</translation>
    </message>
    <message>
        <source>Failed</source>
        <translation>失败</translation>
    </message>
    <message>
        <source>Undone</source>
        <translation>已撤销</translation>
    </message>
    <message>
        <source>UTF-8 with byte-order mark</source>
        <translation>UTF-8（带 BOM）</translation>
    </message>
    <message>
        <source>Chinese (GBK / GB18030)</source>
        <translation>中文（GBK / GB18030）</translation>
    </message>
    <message>
        <source>comma</source>
        <translation>逗号</translation>
    </message>
    <message>
        <source>semicolon</source>
        <translation>分号</translation>
    </message>
    <message>
        <source>tab</source>
        <translation>制表符</translation>
    </message>
    <message>
        <source>vertical bar</source>
        <translation>竖线</translation>
    </message>
    <message>
        <source>%1: %2</source>
        <translation>%1：%2</translation>
    </message>
    <message>
        <source>, </source>
        <translation>、</translation>
    </message>
</context>
<context>
    <name>ImportWizard</name>
    <message>
        <source>Row</source>
        <translation>行号</translation>
    </message>
    <message>
        <source>Column</source>
        <translation>列</translation>
    </message>
    <message>
        <source>Value</source>
        <translation>值</translation>
    </message>
    <message>
        <source>Reason</source>
        <translation>原因</translation>
    </message>
    <message>
        <source>rows read</source>
        <translation>读取行数</translation>
    </message>
    <message>
        <source>new records</source>
        <translation>将新建</translation>
    </message>
    <message>
        <source>records created</source>
        <translation>已新建</translation>
    </message>
    <message>
        <source>would be updated</source>
        <translation>将更新</translation>
    </message>
    <message>
        <source>records updated</source>
        <translation>已更新</translation>
    </message>
    <message>
        <source>already there, unchanged</source>
        <translation>已存在，未改动</translation>
    </message>
    <message>
        <source>rows rejected</source>
        <translation>未通过</translation>
    </message>
    <message>
        <source>Rejected rows: none</source>
        <translation>未通过的行：无</translation>
    </message>
    <message>
        <source>Rejected rows (%1 problems in %2 rows):</source>
        <translation>未通过的行（%2 行，共 %1 个问题）：</translation>
    </message>
    <message>
        <source>Stopping…</source>
        <translation>正在停止…</translation>
    </message>
    <message>
        <source>Saving…</source>
        <translation>正在保存…</translation>
    </message>
    <message>
        <source>The columns do not fit this file: %1</source>
        <translation>列的对应与此文件不符：%1</translation>
    </message>
    <message>
        <source>It failed: %1</source>
        <translation>出错了：%1</translation>
    </message>
    <message>
        <source>Import</source>
        <translation>导入</translation>
    </message>
    <message>
        <source>Close</source>
        <translation>关闭</translation>
    </message>
    <message>
        <source>Stop the import?</source>
        <translation>停止导入？</translation>
    </message>
    <message>
        <source>Stop the import? The rows imported so far stay; the import history can undo them.</source>
        <translation>停止导入？已导入的行会保留，可以在导入记录中撤销。</translation>
    </message>
    <message>
        <source>%1 - rejected rows.xlsx</source>
        <translation>%1 - 未导入的行.xlsx</translation>
    </message>
    <message>
        <source>Save rejected rows</source>
        <translation>保存未导入的行</translation>
    </message>
    <message>
        <source>Excel workbook (*.xlsx)</source>
        <translation>Excel 工作簿 (*.xlsx)</translation>
    </message>
    <message>
        <source>Saved %1 rejected rows to %2. Fix them there and import that file again.</source>
        <translation>已将 %1 行未导入的数据保存到 %2。在其中改正后，再导入这个文件即可。</translation>
    </message>
    <message>
        <source>Cannot write %1 (%2). Is the file open in another program?</source>
        <translation>无法写入 %1（%2）。文件是否正在其他程序中打开？</translation>
    </message>
    <message>
        <source>Checked %1 of %2 rows…</source>
        <translation>已检查 %1 / %2 行…</translation>
    </message>
    <message>
        <source>Imported %1 of %2 rows…</source>
        <translation>已导入 %1 / %2 行…</translation>
    </message>
</context>
<context>
    <name>InteractionDialog</name>
    <message>
        <source>Add interaction</source>
        <translation>添加沟通记录</translation>
    </message>
    <message>
        <source>(none)</source>
        <translation>（无）</translation>
    </message>
    <message>
        <source>What was discussed, what was agreed</source>
        <translation>沟通了什么，达成了什么</translation>
    </message>
    <message>
        <source>Contact</source>
        <translation>联系人</translation>
    </message>
</context>
<context>
    <name>IntervalRow</name>
    <message>
        <source>00:00 as the end means midnight, the end of the day</source>
        <translation>结束时间 00:00 表示午夜，即当天结束</translation>
    </message>
    <message>
        <source>Remove</source>
        <translation>删除</translation>
    </message>
</context>
<context>
    <name>KanbanBoard</name>
    <message>
        <source>Total %1</source>
        <translation>合计 %1</translation>
    </message>
    <message>
        <source>Weighted %1</source>
        <translation>加权 %1</translation>
    </message>
    <message>
        <source>No deals</source>
        <translation>暂无商机</translation>
    </message>
    <message numerus="yes">
        <source>%n day(s)</source>
        <translation>
            <numerusform>%n 天</numerusform>
        </translation>
    </message>
    <message>
        <source>Unassigned</source>
        <translation>未分配</translation>
    </message>
    <message>
        <source>Amount %1 at %2%, weighted %3</source>
        <translation>金额 %1，赢率 %2%，加权 %3</translation>
    </message>
    <message numerus="yes">
        <source>No change for %n day(s): move it on</source>
        <translation>
            <numerusform>已 %n 天无进展：请推进</numerusform>
        </translation>
    </message>
    <message>
        <source>Lead score %1</source>
        <translation>线索评分 %1</translation>
    </message>
</context>
<context>
    <name>Labels</name>
    <message>
        <source>Strategic</source>
        <translation>战略级</translation>
    </message>
    <message>
        <source>Growth</source>
        <translation>成长级</translation>
    </message>
    <message>
        <source>Basic</source>
        <translation>基础级</translation>
    </message>
    <message>
        <source>Dormant</source>
        <translation>沉睡级</translation>
    </message>
    <message>
        <source>Unrated</source>
        <translation>未分层</translation>
    </message>
    <message>
        <source>Company</source>
        <translation>公司</translation>
    </message>
    <message>
        <source>Person</source>
        <translation>个人</translation>
    </message>
    <message>
        <source>Phone call</source>
        <translation>电话</translation>
    </message>
    <message>
        <source>Visit</source>
        <translation>拜访</translation>
    </message>
    <message>
        <source>WeChat</source>
        <translation>微信</translation>
    </message>
    <message>
        <source>Email</source>
        <translation>邮箱</translation>
    </message>
    <message>
        <source>Meeting</source>
        <translation>会议</translation>
    </message>
    <message>
        <source>Call</source>
        <translation>电话</translation>
    </message>
    <message>
        <source>Task</source>
        <translation>任务</translation>
    </message>
    <message>
        <source>Pending</source>
        <translation>待付款</translation>
    </message>
    <message>
        <source>Paid</source>
        <translation>已付款</translation>
    </message>
    <message>
        <source>Cancelled</source>
        <translation>已取消</translation>
    </message>
    <message>
        <source>Refunded</source>
        <translation>已退款</translation>
    </message>
    <message>
        <source>Open</source>
        <translation>进行中</translation>
    </message>
    <message>
        <source>Won</source>
        <translation>赢单</translation>
    </message>
    <message>
        <source>Lost</source>
        <translation>输单</translation>
    </message>
    <message>
        <source>Lead</source>
        <translation>线索</translation>
    </message>
    <message>
        <source>Qualified</source>
        <translation>需求确认</translation>
    </message>
    <message>
        <source>Proposal</source>
        <translation>方案报价</translation>
    </message>
    <message>
        <source>Negotiation</source>
        <translation>商务谈判</translation>
    </message>
    <message>
        <source>New</source>
        <translation>新建</translation>
    </message>
    <message>
        <source>In progress</source>
        <translation>处理中</translation>
    </message>
    <message>
        <source>Waiting on customer</source>
        <translation>等待客户</translation>
    </message>
    <message>
        <source>Resolved</source>
        <translation>已解决</translation>
    </message>
    <message>
        <source>Closed</source>
        <translation>已关闭</translation>
    </message>
    <message>
        <source>Low</source>
        <translation>低</translation>
    </message>
    <message>
        <source>Normal</source>
        <translation>普通</translation>
    </message>
    <message>
        <source>High</source>
        <translation>高</translation>
    </message>
    <message>
        <source>Urgent</source>
        <translation>紧急</translation>
    </message>
    <message>
        <source>Customer code</source>
        <translation>客户编号</translation>
    </message>
    <message>
        <source>Type</source>
        <translation>类型</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>名称</translation>
    </message>
    <message>
        <source>Phone</source>
        <translation>电话</translation>
    </message>
    <message>
        <source>Other phone</source>
        <translation>其他电话</translation>
    </message>
    <message>
        <source>Email address</source>
        <translation>邮箱</translation>
    </message>
    <message>
        <source>Region</source>
        <translation>地区</translation>
    </message>
    <message>
        <source>Province</source>
        <translation>省份</translation>
    </message>
    <message>
        <source>City</source>
        <translation>城市</translation>
    </message>
    <message>
        <source>Address</source>
        <translation>地址</translation>
    </message>
    <message>
        <source>Industry</source>
        <translation>行业</translation>
    </message>
    <message>
        <source>Source</source>
        <translation>来源</translation>
    </message>
    <message>
        <source>Owner</source>
        <translation>负责人</translation>
    </message>
    <message>
        <source>Tier</source>
        <translation>分层</translation>
    </message>
    <message>
        <source>Notes</source>
        <translation>备注</translation>
    </message>
    <message>
        <source>Tags</source>
        <translation>标签</translation>
    </message>
    <message>
        <source>Employees</source>
        <translation>员工人数</translation>
    </message>
    <message>
        <source>Summary</source>
        <translation>内容</translation>
    </message>
    <message>
        <source>Channel</source>
        <translation>方式</translation>
    </message>
    <message>
        <source>Time</source>
        <translation>时间</translation>
    </message>
    <message>
        <source>Job title</source>
        <translation>职务</translation>
    </message>
    <message>
        <source>WeChat ID</source>
        <translation>微信号</translation>
    </message>
    <message>
        <source>Updated</source>
        <translation>更新时间</translation>
    </message>
    <message>
        <source>This field is required.</source>
        <translation>此项必填。</translation>
    </message>
    <message>
        <source>Not a valid phone number: %1</source>
        <translation>不是有效的电话号码：%1</translation>
    </message>
    <message>
        <source>Not a valid email address: %1</source>
        <translation>不是有效的邮箱地址：%1</translation>
    </message>
    <message>
        <source>Too long (at most %1 characters).</source>
        <translation>太长（最多 %1 个字符）。</translation>
    </message>
    <message>
        <source>Already used by another record: %1</source>
        <translation>已被其他记录使用：%1</translation>
    </message>
    <message>
        <source>Not one of the allowed values: %1</source>
        <translation>不是允许的取值：%1</translation>
    </message>
    <message>
        <source>Not a valid date and time.</source>
        <translation>不是有效的日期时间。</translation>
    </message>
    <message>
        <source>This time is in the future.</source>
        <translation>这个时间在将来。</translation>
    </message>
    <message>
        <source>Unknown field.</source>
        <translation>未知字段。</translation>
    </message>
    <message>
        <source>Out of range (%1).</source>
        <translation>超出范围（%1）。</translation>
    </message>
    <message>
        <source>Not a valid value: %1</source>
        <translation>不是有效的值：%1</translation>
    </message>
    <message>
        <source>Champions</source>
        <translation>重要价值客户</translation>
    </message>
    <message>
        <source>Loyal</source>
        <translation>忠诚客户</translation>
    </message>
    <message>
        <source>Potential loyalists</source>
        <translation>潜力客户</translation>
    </message>
    <message>
        <source>New customers</source>
        <translation>新客户</translation>
    </message>
    <message>
        <source>Promising</source>
        <translation>有望客户</translation>
    </message>
    <message>
        <source>Need attention</source>
        <translation>需要关注</translation>
    </message>
    <message>
        <source>About to sleep</source>
        <translation>即将沉睡</translation>
    </message>
    <message>
        <source>At risk</source>
        <translation>濒临流失</translation>
    </message>
    <message>
        <source>Can&apos;t lose them</source>
        <translation>重要挽留客户</translation>
    </message>
    <message>
        <source>Hibernating</source>
        <translation>沉睡客户</translation>
    </message>
    <message>
        <source>No purchase yet</source>
        <translation>尚未购买</translation>
    </message>
    <message>
        <source>Predicted lifetime value</source>
        <translation>预测生命周期价值</translation>
    </message>
    <message>
        <source>Lifetime value percentile (0-1)</source>
        <translation>生命周期价值百分位（0-1）</translation>
    </message>
    <message>
        <source>P(alive) (0-1)</source>
        <translation>存活概率 P(alive)（0-1）</translation>
    </message>
    <message>
        <source>Purchases in the last 12 months</source>
        <translation>近12个月采购额</translation>
    </message>
    <message>
        <source>Total purchases</source>
        <translation>累计采购额</translation>
    </message>
    <message>
        <source>Days since last order</source>
        <translation>距上次下单天数</translation>
    </message>
    <message>
        <source>Number of orders</source>
        <translation>订单数</translation>
    </message>
    <message>
        <source>RFM segment</source>
        <translation>RFM 细分</translation>
    </message>
    <message>
        <source>By predicted lifetime value and P(alive)</source>
        <translation>按预测生命周期价值和存活概率</translation>
    </message>
    <message>
        <source>By purchases in the last 12 months</source>
        <translation>按近12个月采购额</translation>
    </message>
    <message>
        <source>By RFM segment</source>
        <translation>按 RFM 细分</translation>
    </message>
    <message>
        <source>Interaction</source>
        <translation>沟通记录</translation>
    </message>
    <message>
        <source>Order</source>
        <translation>订单</translation>
    </message>
    <message>
        <source>Follow-up</source>
        <translation>跟进</translation>
    </message>
    <message>
        <source>Opportunity</source>
        <translation>商机</translation>
    </message>
    <message>
        <source>Ticket</source>
        <translation>工单</translation>
    </message>
    <message>
        <source>Change</source>
        <translation>修改</translation>
    </message>
    <message>
        <source>Created</source>
        <translation>创建</translation>
    </message>
    <message>
        <source>Deleted</source>
        <translation>删除</translation>
    </message>
    <message>
        <source>Restored</source>
        <translation>恢复</translation>
    </message>
    <message>
        <source>Done</source>
        <translation>已完成</translation>
    </message>
    <message>
        <source>Planned</source>
        <translation>计划中</translation>
    </message>
    <message>
        <source>Watch</source>
        <translation>需关注</translation>
    </message>
    <message>
        <source>Healthy</source>
        <translation>健康</translation>
    </message>
    <message>
        <source>Recency</source>
        <translation>购买间隔</translation>
    </message>
    <message>
        <source>Spend trend</source>
        <translation>消费趋势</translation>
    </message>
    <message>
        <source>Tickets</source>
        <translation>工单</translation>
    </message>
    <message>
        <source>Satisfaction</source>
        <translation>满意度</translation>
    </message>
    <message>
        <source>Still active</source>
        <translation>活跃概率</translation>
    </message>
    <message>
        <source>You may not export data. An administrator can give you the right.</source>
        <translation>您没有导出数据的权限。管理员可以为您授权。</translation>
    </message>
    <message>
        <source>You may not delete several records at once. An administrator can give you the right.</source>
        <translation>您没有批量删除的权限。管理员可以为您授权。</translation>
    </message>
    <message>
        <source>You may not see or change this customer&apos;s phone, e-mail or address.</source>
        <translation>您无权查看或修改这位客户的电话、邮箱或地址。</translation>
    </message>
    <message>
        <source>Only an administrator manages staff accounts.</source>
        <translation>只有管理员可以管理员工账号。</translation>
    </message>
    <message>
        <source>Only an administrator reads the whole audit log.</source>
        <translation>只有管理员可以查看完整的操作日志。</translation>
    </message>
    <message>
        <source>You may not give this customer to that person: they are outside your team.</source>
        <translation>您不能把这位客户交给此人：对方不在您的团队中。</translation>
    </message>
    <message>
        <source>Your role may look at customers but not change them.</source>
        <translation>您的角色只能查看客户，不能修改。</translation>
    </message>
    <message>
        <source>You may report on yourself; a manager on their team and its people.</source>
        <translation>您只能查看自己的报表；经理可查看本团队及其成员的报表。</translation>
    </message>
    <message>
        <source>This account has been disabled. Ask your administrator.</source>
        <translation>此账号已停用，请联系管理员。</translation>
    </message>
    <message>
        <source>%1 is encrypted, and this computer has no secure keyring to keep its key in.</source>
        <translation>%1 已加密，而本机没有安全的密码存储来保管它的密钥。</translation>
    </message>
    <message>
        <source>%1 is encrypted, and the keyring of this computer has no key for it (a copy from another computer, or its key was removed): it cannot be opened.</source>
        <translation>%1 已加密，而本机的密码存储中没有它的密钥（它是从另一台电脑复制来的，或者它的密钥已被删除）：无法打开。</translation>
    </message>
    <message>
        <source>The key in the keyring does not open %1: it is encrypted with another key, or it is not a Desktop CRM database.</source>
        <translation>密码存储中的密钥打不开 %1：它是用另一个密钥加密的，或者它不是 Desktop CRM 数据库。</translation>
    </message>
    <message>
        <source>%1 is not an encrypted database: open it as a plain SQLite file.</source>
        <translation>%1 不是加密的数据库：请把它当作普通的 SQLite 文件打开。</translation>
    </message>
    <message>
        <source>The keyring refused to keep the key of %1; nothing was encrypted.</source>
        <translation>密码存储拒绝保管 %1 的密钥；没有加密任何内容。</translation>
    </message>
    <message>
        <source>You do not have the right to do this.</source>
        <translation>您没有执行此操作的权限。</translation>
    </message>
    <message>
        <source>Price too high</source>
        <translation>价格偏高</translation>
    </message>
    <message>
        <source>Chose a competitor</source>
        <translation>选择了竞争对手</translation>
    </message>
    <message>
        <source>Budget cancelled</source>
        <translation>预算取消</translation>
    </message>
    <message>
        <source>Requirements changed</source>
        <translation>需求变更</translation>
    </message>
    <message>
        <source>No decision made</source>
        <translation>客户未决策</translation>
    </message>
    <message>
        <source>Product does not fit</source>
        <translation>产品不匹配</translation>
    </message>
    <message>
        <source>Other</source>
        <translation>其他</translation>
    </message>
</context>
<context>
    <name>LeadRulesDialog</name>
    <message>
        <source>Points</source>
        <translation>分值</translation>
    </message>
    <message>
        <source>Lead scoring</source>
        <translation>线索评分</translation>
    </message>
    <message>
        <source>Source</source>
        <translation>来源</translation>
    </message>
    <message>
        <source>Industry</source>
        <translation>行业</translation>
    </message>
    <message>
        <source>From employees</source>
        <translation>员工人数起</translation>
    </message>
    <message>
        <source>Points by source</source>
        <translation>按来源评分</translation>
    </message>
    <message>
        <source>Points by industry</source>
        <translation>按行业评分</translation>
    </message>
    <message>
        <source>Points by company size</source>
        <translation>按公司规模评分</translation>
    </message>
    <message>
        <source>Add</source>
        <translation>添加</translation>
    </message>
    <message>
        <source>Remove</source>
        <translation>移除</translation>
    </message>
    <message>
        <source>Recent interactions</source>
        <translation>近期沟通</translation>
    </message>
    <message>
        <source> days</source>
        <translation> 天</translation>
    </message>
    <message>
        <source>Points per interaction</source>
        <translation>每次沟通得分</translation>
    </message>
    <message>
        <source>Counted over the last</source>
        <translation>统计最近</translation>
    </message>
    <message>
        <source>At most</source>
        <translation>最多</translation>
    </message>
    <message>
        <source>A deal&apos;s score is the sum of the points of its customer&apos;s source, industry and size band (the highest band the employee count reaches), plus the points for calls, visits and messages in the recent period. Values are matched ignoring case and spaces.</source>
        <translation>商机得分 = 客户来源、行业和规模档（员工人数达到的最高一档）的分值之和，再加上近期电话、拜访和消息的得分。匹配时忽略大小写和空格。</translation>
    </message>
    <message>
        <source>Only a manager can change the lead-scoring rules.</source>
        <translation>只有经理可以修改线索评分规则。</translation>
    </message>
</context>
<context>
    <name>LiveUpdates</name>
    <message>
        <source>Updated with changes made elsewhere</source>
        <translation>已载入在别处所做的更改</translation>
    </message>
</context>
<context>
    <name>LostDialog</name>
    <message>
        <source>Deal lost</source>
        <translation>输单</translation>
    </message>
    <message>
        <source>“%1” with %2</source>
        <translation>%2 的“%1”</translation>
    </message>
    <message>
        <source>Choose a reason…</source>
        <translation>请选择原因…</translation>
    </message>
    <message>
        <source>Lost reason</source>
        <translation>输单原因</translation>
    </message>
    <message>
        <source>What happened (optional)</source>
        <translation>发生了什么（选填）</translation>
    </message>
    <message>
        <source>Comment</source>
        <translation>备注</translation>
    </message>
    <message>
        <source>Choose why the deal was lost: it feeds the lost-reason figures of the monthly report.</source>
        <translation>请选择输单原因：月报的输单原因统计依据于此。</translation>
    </message>
</context>
<context>
    <name>LostReasonsDialog</name>
    <message>
        <source>Lost reasons</source>
        <translation>输单原因</translation>
    </message>
    <message>
        <source>A new reason</source>
        <translation>新的原因</translation>
    </message>
    <message>
        <source>Add</source>
        <translation>添加</translation>
    </message>
    <message>
        <source>Remove</source>
        <translation>移除</translation>
    </message>
    <message>
        <source>Drag to reorder; double-click to rename.</source>
        <translation>拖动可调整顺序；双击可重命名。</translation>
    </message>
    <message>
        <source>Only a manager can change the lost reasons.</source>
        <translation>只有经理可以修改输单原因。</translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <source>Desktop CRM</source>
        <translation>桌面 CRM</translation>
    </message>
    <message>
        <source>Home</source>
        <translation>首页</translation>
    </message>
    <message>
        <source>Customers</source>
        <translation>客户</translation>
    </message>
    <message>
        <source>Calendar</source>
        <translation>日历</translation>
    </message>
    <message>
        <source>Public pool</source>
        <translation>公海</translation>
    </message>
    <message>
        <source>Pipeline</source>
        <translation>销售漏斗</translation>
    </message>
    <message>
        <source>Tickets</source>
        <translation>工单</translation>
    </message>
    <message>
        <source>Tiers</source>
        <translation>客户分层</translation>
    </message>
    <message>
        <source>Reports</source>
        <translation>报表</translation>
    </message>
    <message>
        <source>Database: %1</source>
        <translation>数据库：%1</translation>
    </message>
    <message>
        <source>User: %1</source>
        <translation>用户：%1</translation>
    </message>
    <message>
        <source>Could not apply the public pool rules: %1</source>
        <translation>无法执行公海规则：%1</translation>
    </message>
    <message numerus="yes">
        <source>%n customer(s) went back to the public pool</source>
        <translation>
            <numerusform>%n 个客户已退回公海</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n ticket(s) escalated</source>
        <translation>
            <numerusform>%n 张工单已升级</numerusform>
        </translation>
    </message>
    <message>
        <source>Calendar (%1)</source>
        <translation>日历（%1）</translation>
    </message>
    <message numerus="yes">
        <source>%n overdue follow-up(s)</source>
        <translation>
            <numerusform>%n 条跟进已逾期</numerusform>
        </translation>
    </message>
    <message>
        <source>&amp;File</source>
        <translation>文件(&amp;F)</translation>
    </message>
    <message>
        <source>&amp;New customer</source>
        <translation>新建客户(&amp;N)</translation>
    </message>
    <message>
        <source>&amp;Find customer</source>
        <translation>查找客户(&amp;F)</translation>
    </message>
    <message>
        <source>New follow-&amp;up</source>
        <translation>新建跟进(&amp;U)</translation>
    </message>
    <message>
        <source>New &amp;ticket</source>
        <translation>新建工单(&amp;T)</translation>
    </message>
    <message>
        <source>New &amp;opportunity</source>
        <translation>新建商机(&amp;O)</translation>
    </message>
    <message>
        <source>&amp;Log an interaction with the customer</source>
        <translation>记录与客户的沟通(&amp;L)</translation>
    </message>
    <message>
        <source>&amp;Reminders…</source>
        <translation>提醒(&amp;R)…</translation>
    </message>
    <message>
        <source>&amp;Print monthly report…</source>
        <translation>打印月度报表(&amp;P)…</translation>
    </message>
    <message>
        <source>&amp;Back up database…</source>
        <translation>备份数据库(&amp;B)…</translation>
    </message>
    <message>
        <source>Res&amp;tore from backup…</source>
        <translation>从备份恢复(&amp;T)…</translation>
    </message>
    <message>
        <source>S&amp;ync with the office</source>
        <translation>与办公室同步(&amp;Y)</translation>
    </message>
    <message>
        <source>Sync &amp;conflicts…</source>
        <translation>同步冲突(&amp;C)…</translation>
    </message>
    <message>
        <source>Sync &amp;history…</source>
        <translation>同步记录(&amp;H)…</translation>
    </message>
    <message>
        <source>Ta&amp;ke this database offline…</source>
        <translation>将此数据库带离线(&amp;K)…</translation>
    </message>
    <message>
        <source>&amp;Settings…</source>
        <translation>设置(&amp;S)…</translation>
    </message>
    <message>
        <source>Staff &amp;accounts…</source>
        <translation>员工账号(&amp;A)…</translation>
    </message>
    <message>
        <source>A&amp;udit log…</source>
        <translation>操作日志(&amp;U)…</translation>
    </message>
    <message>
        <source>&amp;Quit</source>
        <translation>退出(&amp;Q)</translation>
    </message>
    <message>
        <source>&amp;Go</source>
        <translation>转到(&amp;G)</translation>
    </message>
    <message>
        <source>&amp;Refresh</source>
        <translation>刷新(&amp;R)</translation>
    </message>
    <message>
        <source>&amp;Data</source>
        <translation>数据(&amp;D)</translation>
    </message>
    <message>
        <source>&amp;Import from Excel or CSV…</source>
        <translation>从 Excel 或 CSV 导入(&amp;I)…</translation>
    </message>
    <message>
        <source>Import &amp;history…</source>
        <translation>导入记录(&amp;H)…</translation>
    </message>
    <message>
        <source>&amp;Export what this section lists…</source>
        <translation>导出当前列表(&amp;E)…</translation>
    </message>
    <message>
        <source>Export &amp;customers (the list&apos;s filter)…</source>
        <translation>导出客户（按当前筛选）(&amp;C)…</translation>
    </message>
    <message>
        <source>Export c&amp;ontacts…</source>
        <translation>导出联系人(&amp;O)…</translation>
    </message>
    <message>
        <source>Export &amp;orders…</source>
        <translation>导出订单(&amp;O)…</translation>
    </message>
    <message>
        <source>Export &amp;follow-ups…</source>
        <translation>导出跟进(&amp;F)…</translation>
    </message>
    <message>
        <source>Export &amp;tickets…</source>
        <translation>导出工单(&amp;T)…</translation>
    </message>
    <message>
        <source>Find &amp;duplicates…</source>
        <translation>查找重复客户(&amp;D)…</translation>
    </message>
    <message>
        <source>&amp;Help</source>
        <translation>帮助(&amp;H)</translation>
    </message>
    <message>
        <source>&amp;Keyboard shortcuts</source>
        <translation>键盘快捷键(&amp;K)</translation>
    </message>
    <message>
        <source>&amp;About</source>
        <translation>关于(&amp;A)</translation>
    </message>
    <message>
        <source>Refreshed</source>
        <translation>已刷新</translation>
    </message>
    <message>
        <source>Build the report first</source>
        <translation>请先生成报表</translation>
    </message>
    <message>
        <source>Choose a customer first</source>
        <translation>请先选择一个客户</translation>
    </message>
    <message>
        <source>Export</source>
        <translation>导出</translation>
    </message>
    <message numerus="yes">
        <source>%n row(s) exported</source>
        <translation>
            <numerusform>已导出 %n 行</numerusform>
        </translation>
    </message>
    <message>
        <source>About Desktop CRM</source>
        <translation>关于桌面 CRM</translation>
    </message>
    <message>
        <source>Desktop CRM %1
Customer management for small and mid-size companies.
%2</source>
        <translation>桌面 CRM %1
面向中小企业的客户管理。
%2</translation>
    </message>
    <message>
        <source>Back up database</source>
        <translation>备份数据库</translation>
    </message>
    <message>
        <source>This is a shared PostgreSQL database: its administrator backs it up on the server (pg_dump).</source>
        <translation>这是共享的 PostgreSQL 数据库：由管理员在服务器上备份（pg_dump）。</translation>
    </message>
    <message>
        <source>Desktop CRM backup (*.sqlite3);;All files (*)</source>
        <translation>Desktop CRM 备份 (*.sqlite3);;所有文件 (*)</translation>
    </message>
    <message>
        <source>Backing up the database…</source>
        <translation>正在备份数据库…</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <source>Backup cancelled: no file was written</source>
        <translation>备份已取消，没有写入任何文件</translation>
    </message>
    <message>
        <source>The backup could not be written:
%1</source>
        <translation>无法写入备份：
%1</translation>
    </message>
    <message>
        <source>Sync now</source>
        <translation>立即同步</translation>
    </message>
    <message numerus="yes">
        <source>%n open sync conflict(s)</source>
        <translation>
            <numerusform>%n 个待处理的同步冲突</numerusform>
        </translation>
    </message>
    <message>
        <source>Offline copy</source>
        <translation>离线副本</translation>
    </message>
    <message>
        <source>last synced %1</source>
        <translation>上次同步 %1</translation>
    </message>
    <message>
        <source>never synced</source>
        <translation>从未同步</translation>
    </message>
    <message numerus="yes">
        <source>%n change(s) waiting</source>
        <translation>
            <numerusform>%n 项修改待同步</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n conflict(s)</source>
        <translation>
            <numerusform>%n 个冲突</numerusform>
        </translation>
    </message>
    <message>
        <source>Office server: %1</source>
        <translation>办公室服务器：%1</translation>
    </message>
    <message>
        <source>Take this database offline</source>
        <translation>将此数据库带离线</translation>
    </message>
    <message>
        <source>Offline copy (*.sqlite3);;All files (*)</source>
        <translation>离线副本 (*.sqlite3);;所有文件 (*)</translation>
    </message>
    <message>
        <source>Making the offline copy…</source>
        <translation>正在制作离线副本…</translation>
    </message>
    <message>
        <source>Copying %1… (%2 records so far)</source>
        <translation>正在复制%1…（已复制 %2 条记录）</translation>
    </message>
    <message>
        <source>The offline copy could not be made: %1</source>
        <translation>无法制作离线副本：%1</translation>
    </message>
    <message>
        <source>Nothing was changed on the office server.</source>
        <translation>办公室服务器上没有任何改动。</translation>
    </message>
    <message>
        <source>The offline copy is ready:
%1

It holds what you may see of the office database. Work in it while you are away and sync when you are back (File → Sync with the office).

Switch to the offline copy now? Desktop CRM closes and opens the offline copy the next time it starts.</source>
        <translation>离线副本已制作完成：
%1

其中包含您在办公室数据库中有权查看的数据。外出时在离线副本中工作，回来后再同步（文件 → 与办公室同步）。

现在切换到离线副本吗？Desktop CRM 将关闭，下次启动时打开离线副本。</translation>
    </message>
    <message>
        <source>Desktop CRM opens the offline copy the next time it starts. To come back to the office database later, use Settings → Database → Connect to the office database.</source>
        <translation>Desktop CRM 下次启动时将打开离线副本。以后要回到办公室数据库，请使用“设置 → 数据库 → 连接办公室数据库”。</translation>
    </message>
    <message>
        <source>The office database stays open. To work in the offline copy later, start Desktop CRM with:

desktop-crm --db %1</source>
        <translation>办公室数据库保持打开。以后要在离线副本中工作，请用以下命令启动 Desktop CRM：

desktop-crm --db %1</translation>
    </message>
    <message>
        <source>Backed up to %1: %2 customers, %3 orders</source>
        <translation>已备份到 %1：%2 个客户，%3 个订单</translation>
    </message>
    <message>
        <source>Restore from backup</source>
        <translation>从备份恢复</translation>
    </message>
    <message>
        <source>This is a shared PostgreSQL database: its administrator restores it on the server (pg_restore).</source>
        <translation>这是共享的 PostgreSQL 数据库：由管理员在服务器上恢复（pg_restore）。</translation>
    </message>
    <message>
        <source>Desktop CRM backup (*.sqlite3 *.db);;All files (*)</source>
        <translation>Desktop CRM 备份 (*.sqlite3 *.db);;所有文件 (*)</translation>
    </message>
    <message>
        <source>The file does not exist.</source>
        <translation>文件不存在。</translation>
    </message>
    <message>
        <source>This file is not a Desktop CRM database.</source>
        <translation>此文件不是 Desktop CRM 数据库。</translation>
    </message>
    <message>
        <source>This file is a database of another program, not of Desktop CRM.</source>
        <translation>此文件是其他程序的数据库，不是 Desktop CRM 的。</translation>
    </message>
    <message>
        <source>This backup was made by a newer version of Desktop CRM. Update the app, then restore it.</source>
        <translation>此备份由更新版本的 Desktop CRM 创建。请先升级本程序，再恢复。</translation>
    </message>
    <message>
        <source>This backup is damaged and cannot be restored.</source>
        <translation>此备份已损坏，无法恢复。</translation>
    </message>
    <message>
        <source>The database is in use by another program. Close it and try again.</source>
        <translation>数据库正被其他程序使用。请关闭该程序后重试。</translation>
    </message>
    <message>
        <source>This file is not a Desktop CRM database, or it is encrypted with a key other than this database&apos;s.</source>
        <translation>此文件不是 Desktop CRM 数据库，或者它是用与本数据库不同的密钥加密的。</translation>
    </message>
    <message>
        <source>Nothing was changed.</source>
        <translation>未做任何更改。</translation>
    </message>
    <message>
        <source>Replace the current database by this backup?

%1
Saved %2: %3 customers, %4 orders.

Everything changed since then is replaced; the current database is kept beside it (…before-restore-…). Desktop CRM closes afterwards.</source>
        <translation>用此备份替换当前数据库吗？

%1
保存于 %2：%3 个客户，%4 个订单。

此后的所有更改都将被替换；当前数据库会保留在旁边（…before-restore-…）。恢复后 Desktop CRM 将关闭。</translation>
    </message>
    <message>
        <source>The backup was restored. The previous database is kept as:
%1

Desktop CRM closes now; start it again to work with the restored data.</source>
        <translation>备份已恢复。原数据库保留为：
%1

Desktop CRM 现在将关闭；请重新启动以使用恢复的数据。</translation>
    </message>
</context>
<context>
    <name>MappingPage</name>
    <message>
        <source>Match the columns</source>
        <translation>对应列</translation>
    </message>
    <message>
        <source>Check which column of the file fills each field. Columns left out are not imported.</source>
        <translation>核对每个字段取自文件的哪一列。未选择的列不导入。</translation>
    </message>
    <message>
        <source>Field</source>
        <translation>字段</translation>
    </message>
    <message>
        <source>Column in the file</source>
        <translation>文件中的列</translation>
    </message>
    <message>
        <source>First value</source>
        <translation>第一个值</translation>
    </message>
    <message>
        <source>* needs a column</source>
        <translation>* 必须选择一列</translation>
    </message>
    <message>
        <source>Save as template…</source>
        <translation>另存为模板…</translation>
    </message>
    <message>
        <source>Template</source>
        <translation>模板</translation>
    </message>
    <message>
        <source>Records already there</source>
        <translation>已有的记录</translation>
    </message>
    <message>
        <source>The first rows of %1:</source>
        <translation>%1 的前几行：</translation>
    </message>
    <message>
        <source>(not imported)</source>
        <translation>（不导入）</translation>
    </message>
    <message>
        <source>Also chosen for %1</source>
        <translation>也用于 %1</translation>
    </message>
    <message>
        <source>The column “%1” is chosen for %2: each column can fill one field.</source>
        <translation>列“%1”同时用于 %2：每一列只能对应一个字段。</translation>
    </message>
    <message>
        <source>the customer code or name</source>
        <translation>客户编号或客户名称</translation>
    </message>
    <message>
        <source>Choose a column for: %1</source>
        <translation>请为以下字段选择列：%1</translation>
    </message>
    <message>
        <source>(recognised from the headers)</source>
        <translation>（按表头自动识别）</translation>
    </message>
    <message>
        <source>Not in this file: %1</source>
        <translation>此文件中没有：%1</translation>
    </message>
    <message>
        <source>Save as template</source>
        <translation>另存为模板</translation>
    </message>
    <message>
        <source>Name of the template (shared with the team):</source>
        <translation>模板名称（团队共用）：</translation>
    </message>
    <message>
        <source>Replace the template?</source>
        <translation>替换模板？</translation>
    </message>
    <message>
        <source>A template named “%1” exists. Replace it?</source>
        <translation>已有名为“%1”的模板。要替换吗？</translation>
    </message>
    <message>
        <source>Template not saved</source>
        <translation>模板未保存</translation>
    </message>
    <message>
        <source>The template was not saved: %1</source>
        <translation>模板未保存：%1</translation>
    </message>
    <message>
        <source>Saved as “%1”.</source>
        <translation>已保存为“%1”。</translation>
    </message>
</context>
<context>
    <name>MemberDialog</name>
    <message>
        <source>New staff member</source>
        <translation>新员工</translation>
    </message>
    <message>
        <source>Staff member %1</source>
        <translation>员工 %1</translation>
    </message>
    <message>
        <source>e.g. wangwei (used to log in)</source>
        <translation>例如 wangwei（用于登录）</translation>
    </message>
    <message>
        <source>e.g. 王伟</source>
        <translation>例如：王伟</translation>
    </message>
    <message>
        <source>Nobody</source>
        <translation>无</translation>
    </message>
    <message>
        <source>User name</source>
        <translation>用户名</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>姓名</translation>
    </message>
    <message>
        <source>Role</source>
        <translation>角色</translation>
    </message>
    <message>
        <source>Team</source>
        <translation>团队</translation>
    </message>
    <message>
        <source>Reports to</source>
        <translation>直属上级</translation>
    </message>
    <message>
        <source>Leave empty to make one up</source>
        <translation>留空则自动生成</translation>
    </message>
    <message>
        <source>Only needed when several people share this PC</source>
        <translation>仅在多人共用这台电脑时需要</translation>
    </message>
    <message>
        <source>Password</source>
        <translation>密码</translation>
    </message>
    <message>
        <source>Extra rights</source>
        <translation>额外权限</translation>
    </message>
    <message>
        <source>A role brings its own rights (a manager exports and sees phone numbers, an administrator everything); tick what this person needs beyond that.</source>
        <translation>每个角色自带相应权限（经理可以导出并查看电话号码，管理员拥有全部权限）；此处勾选此人另外需要的权限。</translation>
    </message>
    <message>
        <source>Save</source>
        <translation>保存</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
</context>
<context>
    <name>MergeDialog</name>
    <message>
        <source>Contacts</source>
        <translation>联系人</translation>
    </message>
    <message>
        <source>Orders</source>
        <translation>订单</translation>
    </message>
    <message>
        <source>Interactions</source>
        <translation>沟通记录</translation>
    </message>
    <message>
        <source>Follow-ups</source>
        <translation>跟进</translation>
    </message>
    <message>
        <source>Recurring follow-ups</source>
        <translation>周期跟进</translation>
    </message>
    <message>
        <source>Opportunities</source>
        <translation>商机</translation>
    </message>
    <message>
        <source>Tickets</source>
        <translation>工单</translation>
    </message>
    <message>
        <source>Owner history</source>
        <translation>负责人变更记录</translation>
    </message>
    <message>
        <source>Notifications</source>
        <translation>通知</translation>
    </message>
    <message>
        <source>Tags</source>
        <translation>标签</translation>
    </message>
    <message>
        <source>Merge customers</source>
        <translation>合并客户</translation>
    </message>
    <message>
        <source>Merge</source>
        <translation>合并</translation>
    </message>
    <message>
        <source>One of these customers was deleted or merged already. Close this window and search again.</source>
        <translation>其中有客户已被删除或合并。请关闭此窗口后重新查找。</translation>
    </message>
    <message>
        <source>Choose which value %1 keeps for each field. The other customers&apos; contacts, orders, follow-ups, deals, tickets and tags move to it, and they are removed (recorded as merged into it).</source>
        <translation>请为每个字段选择 %1 保留的值。其他客户的联系人、订单、跟进、商机、工单和标签都会转到 %1 名下，其他客户随后删除（记录为已合并到 %1）。</translation>
    </message>
    <message>
        <source>(kept)</source>
        <translation>（保留）</translation>
    </message>
    <message>
        <source>The kept customer has every tag of the merged ones.</source>
        <translation>保留的客户将拥有被合并客户的全部标签。</translation>
    </message>
    <message>
        <source>Moves to %1: %2</source>
        <translation>转到 %1 名下：%2</translation>
    </message>
    <message>
        <source>, </source>
        <translation>、</translation>
    </message>
    <message>
        <source>Nothing else to move to %1.</source>
        <translation>没有其他记录需要转到 %1 名下。</translation>
    </message>
    <message numerus="yes">
        <source>Merge %n customer(s) into %1? This cannot be undone from this window.</source>
        <translation>
            <numerusform>确定把 %n 个客户合并到 %1 吗？此操作无法在本窗口撤销。</numerusform>
        </translation>
    </message>
    <message>
        <source>Someone changed one of these customers after this window opened. Nothing was merged. Their changes are shown now: check your choices and merge again.</source>
        <translation>打开此窗口后有人修改了其中的客户，本次没有合并任何内容。现在显示的是修改后的内容：请检查您的选择后再合并。</translation>
    </message>
    <message>
        <source>Changed by someone else</source>
        <translation>已被他人修改</translation>
    </message>
    <message>
        <source>The customers could not be merged: %1</source>
        <translation>无法合并这些客户：%1</translation>
    </message>
</context>
<context>
    <name>MonthGrid</name>
    <message>
        <source>Owner: %1</source>
        <translation>负责人：%1</translation>
    </message>
    <message>
        <source>Unassigned</source>
        <translation>未分配</translation>
    </message>
    <message>
        <source>Done</source>
        <translation>完成</translation>
    </message>
    <message>
        <source>Overdue</source>
        <translation>逾期</translation>
    </message>
    <message>
        <source>Recurring</source>
        <translation>重复</translation>
    </message>
    <message>
        <source>Off</source>
        <translation>休</translation>
    </message>
    <message>
        <source>Work</source>
        <translation>班</translation>
    </message>
    <message>
        <source>Not yet announced: estimated</source>
        <translation>尚未公布：估计</translation>
    </message>
    <message>
        <source>%1 more</source>
        <translation>还有 %1 条</translation>
    </message>
</context>
<context>
    <name>NewTicketDialog</name>
    <message>
        <source>New ticket</source>
        <translation>新建工单</translation>
    </message>
    <message>
        <source>Customer</source>
        <translation>客户</translation>
    </message>
    <message>
        <source>e.g. Printer shows error E05 after the update</source>
        <translation>例如：升级后打印机报错 E05</translation>
    </message>
    <message>
        <source>Subject</source>
        <translation>主题</translation>
    </message>
    <message>
        <source>What the customer reported, order number, steps already tried</source>
        <translation>客户反映的问题、订单号、已尝试的步骤</translation>
    </message>
    <message>
        <source>Description</source>
        <translation>描述</translation>
    </message>
    <message>
        <source>Priority</source>
        <translation>优先级</translation>
    </message>
    <message>
        <source>Assignee</source>
        <translation>处理人</translation>
    </message>
</context>
<context>
    <name>Notifications</name>
    <message>
        <source>by region</source>
        <translation>（按地区）</translation>
    </message>
    <message>
        <source>by industry</source>
        <translation>（按行业）</translation>
    </message>
    <message>
        <source>in turn within the team</source>
        <translation>（团队内轮流分配）</translation>
    </message>
    <message>
        <source>by hand</source>
        <translation>（手动分配）</translation>
    </message>
    <message>
        <source>no follow-up</source>
        <translation>未跟进</translation>
    </message>
    <message>
        <source>last deal lost</source>
        <translation>最近商机输单</translation>
    </message>
    <message>
        <source>Customer %1 was assigned to you %2.</source>
        <translation>客户 %1 已分配给您%2。</translation>
    </message>
    <message>
        <source>By %1.</source>
        <translation>操作人：%1。</translation>
    </message>
    <message>
        <source>%1 customers were assigned to you (%2).</source>
        <translation>已有 %1 个客户分配给您（%2）。</translation>
    </message>
    <message>
        <source>its last deal was lost %n day(s) ago</source>
        <translation>最近的商机已输单 %n 天</translation>
    </message>
    <message>
        <source>no follow-up for %n day(s)</source>
        <translation>已 %n 天未跟进</translation>
    </message>
    <message>
        <source>%1 of %2 went back to the public pool: %3.</source>
        <translation>%2 的客户 %1 已退回公海：%3。</translation>
    </message>
    <message>
        <source>Your customer %1 went back to the public pool: %2.</source>
        <translation>您的客户 %1 已退回公海：%2。</translation>
    </message>
    <message>
        <source>%1 customers went back to the public pool (%2).</source>
        <translation>%1 个客户已退回公海（%2）。</translation>
    </message>
    <message>
        <source>%1 gave your customer %2 back to the public pool: %3.</source>
        <translation>%1 将您的客户 %2 退回了公海：%3。</translation>
    </message>
    <message>
        <source>Deal “%1” with %2 was won by %3: onboarding ticket %4 is waiting for the service team.</source>
        <translation>%3 赢得了 %2 的商机“%1”：交付工单 %4 等待服务团队处理。</translation>
    </message>
    <message>
        <source>Ticket %1 “%2” (%3) is about to miss its first-response deadline (%4).</source>
        <translation>工单 %1“%2”（%3）即将超过首次响应时限（%4）。</translation>
    </message>
    <message>
        <source>Ticket %1 “%2” (%3) is about to miss its resolution deadline (%4).</source>
        <translation>工单 %1“%2”（%3）即将超过解决时限（%4）。</translation>
    </message>
    <message>
        <source>Ticket %1 “%2” (%3) missed its first-response deadline (%4): escalated, priority now %5.</source>
        <translation>工单 %1“%2”（%3）已超过首次响应时限（%4）：已升级，优先级现为%5。</translation>
    </message>
    <message>
        <source>Ticket %1 “%2” (%3) missed its resolution deadline (%4): escalated, priority now %5.</source>
        <translation>工单 %1“%2”（%3）已超过解决时限（%4）：已升级，优先级现为%5。</translation>
    </message>
    <message>
        <source>unassigned</source>
        <translation>未分配</translation>
    </message>
</context>
<context>
    <name>NotificationsButton</name>
    <message>
        <source>Notifications (%1)</source>
        <translation>通知（%1）</translation>
    </message>
    <message>
        <source>Notifications</source>
        <translation>通知</translation>
    </message>
</context>
<context>
    <name>NotificationsDialog</name>
    <message>
        <source>Notifications</source>
        <translation>通知</translation>
    </message>
    <message>
        <source>No notifications.</source>
        <translation>暂无通知。</translation>
    </message>
    <message>
        <source>Mark all as read</source>
        <translation>全部标为已读</translation>
    </message>
    <message>
        <source>Close</source>
        <translation>关闭</translation>
    </message>
    <message>
        <source>Double-click to open the customer</source>
        <translation>双击打开客户</translation>
    </message>
</context>
<context>
    <name>OpportunityDialog</name>
    <message>
        <source>Edit opportunity</source>
        <translation>编辑商机</translation>
    </message>
    <message>
        <source>New opportunity</source>
        <translation>新建商机</translation>
    </message>
    <message>
        <source>Title</source>
        <translation>商机名称</translation>
    </message>
    <message>
        <source>Customer</source>
        <translation>客户</translation>
    </message>
    <message>
        <source>Amount (¥)</source>
        <translation>金额（元）</translation>
    </message>
    <message>
        <source>Win probability</source>
        <translation>赢率</translation>
    </message>
    <message>
        <source>Expected to close on</source>
        <translation>预计成交日期</translation>
    </message>
    <message>
        <source>Close date</source>
        <translation>成交日期</translation>
    </message>
    <message>
        <source>Unassigned</source>
        <translation>未分配</translation>
    </message>
    <message>
        <source>Owner</source>
        <translation>负责人</translation>
    </message>
    <message>
        <source>Stage</source>
        <translation>阶段</translation>
    </message>
    <message>
        <source>Products, quantities, what the customer needs</source>
        <translation>产品、数量、客户需求</translation>
    </message>
    <message>
        <source>Products and notes</source>
        <translation>产品与备注</translation>
    </message>
    <message>
        <source>Next follow-up</source>
        <translation>下次跟进</translation>
    </message>
    <message>
        <source>%1 on %2 (%3)</source>
        <translation>%2 %1（%3）</translation>
    </message>
    <message>
        <source>None planned</source>
        <translation>未安排</translation>
    </message>
    <message>
        <source>Planned</source>
        <translation>已安排</translation>
    </message>
    <message>
        <source>Plan a follow-up</source>
        <translation>安排跟进</translation>
    </message>
    <message>
        <source>e.g. Call to discuss the quotation</source>
        <translation>例如：电话沟通报价</translation>
    </message>
    <message>
        <source>Subject</source>
        <translation>主题</translation>
    </message>
    <message>
        <source>Type</source>
        <translation>类型</translation>
    </message>
    <message>
        <source>When</source>
        <translation>时间</translation>
    </message>
    <message>
        <source>Delete</source>
        <translation>删除</translation>
    </message>
    <message numerus="yes">
        <source>%1, for %n day(s)</source>
        <translation>
            <numerusform>%1，已 %n 天</numerusform>
        </translation>
    </message>
    <message>
        <source>Someone else changed this opportunity after you opened it; nothing was saved. Close the form and open it again to see their changes.</source>
        <translation>您打开后，其他人修改了这个商机；本次未保存。请关闭表单后重新打开，查看对方的修改。</translation>
    </message>
    <message>
        <source>Not saved: someone else changed this opportunity after you opened it. Your edits are still in this form; save again to compare them with theirs.</source>
        <translation>未保存：您打开此商机后，其他人修改了它。您的修改仍在表单中；再次保存即可与对方的修改进行比较。</translation>
    </message>
    <message>
        <source>Delete opportunity</source>
        <translation>删除商机</translation>
    </message>
    <message>
        <source>Delete the opportunity “%1”?</source>
        <translation>删除商机“%1”？</translation>
    </message>
    <message>
        <source>Someone else changed this opportunity after you opened it; nothing was deleted.</source>
        <translation>您打开后，其他人修改了这个商机；未删除。</translation>
    </message>
</context>
<context>
    <name>PasswordDialog</name>
    <message>
        <source>Password</source>
        <translation>密码</translation>
    </message>
    <message>
        <source>Password of %1 for the database %2 on %3:</source>
        <translation>%1 在 %3 上的数据库 %2 的密码：</translation>
    </message>
    <message>
        <source>Remember the password on this computer (%1)</source>
        <translation>在本机记住密码（%1）</translation>
    </message>
    <message>
        <source>This computer has no secure password store, so Desktop CRM asks for the password each time it starts. It never writes the password to a file.</source>
        <translation>本机没有安全的密码存储，因此 Desktop CRM 每次启动时都会询问密码。密码绝不会写入任何文件。</translation>
    </message>
    <message>
        <source>Connect</source>
        <translation>连接</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
</context>
<context>
    <name>PipelineSection</name>
    <message>
        <source>Onboarding: {customer} ({title})</source>
        <translation>交付启动：{customer}（{title}）</translation>
    </message>
    <message>
        <source>First follow-up after winning {title}</source>
        <translation>赢单后首次跟进：{title}</translation>
    </message>
    <message>
        <source>Move {title} on: no change for {days} days</source>
        <translation>推进 {title}：已 {days} 天无进展</translation>
    </message>
    <message>
        <source>New opportunity</source>
        <translation>新建商机</translation>
    </message>
    <message>
        <source>Everyone</source>
        <translation>全部人员</translation>
    </message>
    <message>
        <source>My team (%1)</source>
        <translation>我的团队（%1）</translation>
    </message>
    <message>
        <source>Any close date</source>
        <translation>任意成交日期</translation>
    </message>
    <message>
        <source>Overdue</source>
        <translation>已逾期</translation>
    </message>
    <message>
        <source>Closing this month</source>
        <translation>本月成交</translation>
    </message>
    <message>
        <source>Closing next month</source>
        <translation>下月成交</translation>
    </message>
    <message>
        <source>Closing this quarter</source>
        <translation>本季度成交</translation>
    </message>
    <message>
        <source>Closing in 90 days</source>
        <translation>90 天内成交</translation>
    </message>
    <message>
        <source>All tiers</source>
        <translation>全部分层</translation>
    </message>
    <message>
        <source>Min ¥</source>
        <translation>最低 ¥</translation>
    </message>
    <message>
        <source>Max ¥</source>
        <translation>最高 ¥</translation>
    </message>
    <message>
        <source>Search deals and customers</source>
        <translation>搜索商机和客户</translation>
    </message>
    <message>
        <source>Board order</source>
        <translation>看板顺序</translation>
    </message>
    <message>
        <source>Lead score</source>
        <translation>线索评分</translation>
    </message>
    <message>
        <source>Amount</source>
        <translation>金额</translation>
    </message>
    <message>
        <source>Close date</source>
        <translation>成交日期</translation>
    </message>
    <message>
        <source>Days in stage</source>
        <translation>停留天数</translation>
    </message>
    <message>
        <source>Pipeline settings</source>
        <translation>漏斗设置</translation>
    </message>
    <message>
        <source>Stages…</source>
        <translation>阶段…</translation>
    </message>
    <message>
        <source>Lost reasons…</source>
        <translation>输单原因…</translation>
    </message>
    <message>
        <source>Automation…</source>
        <translation>自动化…</translation>
    </message>
    <message>
        <source>Lead scoring…</source>
        <translation>线索评分…</translation>
    </message>
    <message>
        <source>Sort</source>
        <translation>排序</translation>
    </message>
    <message>
        <source>Last 30 days</source>
        <translation>近 30 天</translation>
    </message>
    <message>
        <source>Last 90 days</source>
        <translation>近 90 天</translation>
    </message>
    <message>
        <source>Last 6 months</source>
        <translation>近 6 个月</translation>
    </message>
    <message>
        <source>Last 12 months</source>
        <translation>近 12 个月</translation>
    </message>
    <message>
        <source>Funnel</source>
        <translation>漏斗</translation>
    </message>
    <message>
        <source>Conversion and days in stage</source>
        <translation>转化率与阶段停留天数</translation>
    </message>
    <message>
        <source>Forecast</source>
        <translation>销售预测</translation>
    </message>
    <message>
        <source>Stage changes in</source>
        <translation>阶段变化区间</translation>
    </message>
    <message>
        <source>Could not plan follow-ups for stuck deals: %1</source>
        <translation>无法为停滞商机安排跟进：%1</translation>
    </message>
    <message numerus="yes">
        <source>%n follow-up(s) planned for deals with no change for a long time</source>
        <translation>
            <numerusform>已为长期无进展的商机安排 %n 个跟进</numerusform>
        </translation>
    </message>
    <message>
        <source>Loading…</source>
        <translation>正在加载…</translation>
    </message>
    <message>
        <source>Could not load the board: %1</source>
        <translation>无法加载看板：%1</translation>
    </message>
    <message>
        <source>%1 open deals · %2 · weighted %3 · %4 with no change for a long time · Won and Lost show the last 30 days. Drag a card to move it; double-click to open it, or an empty place in a column for a new deal there.</source>
        <translation>进行中商机 %1 个 · %2 · 加权 %3 · %4 个长期无进展 · 赢单和输单列显示近 30 天。拖动卡片可移动；双击卡片打开，双击列中空白处在该阶段新建商机。</translation>
    </message>
    <message>
        <source>Not moved</source>
        <translation>未移动</translation>
    </message>
    <message>
        <source>“%1” was changed by someone else since the board was loaded; nothing was saved. The board is reloaded: try again.</source>
        <translation>看板加载后，其他人修改了“%1”；本次未保存。看板已重新加载，请重试。</translation>
    </message>
    <message>
        <source>“%1” moved to %2</source>
        <translation>“%1”已移至%2</translation>
    </message>
    <message>
        <source>unknown</source>
        <translation>未知</translation>
    </message>
    <message>
        <source>Source %1</source>
        <translation>来源 %1</translation>
    </message>
    <message>
        <source>Industry %1</source>
        <translation>行业 %1</translation>
    </message>
    <message>
        <source>%1 employees</source>
        <translation>员工 %1 人</translation>
    </message>
    <message>
        <source>%1 interactions lately</source>
        <translation>近期沟通 %1 次</translation>
    </message>
    <message>
        <source>Opportunity</source>
        <translation>商机</translation>
    </message>
    <message>
        <source>Opportunity “%1” saved</source>
        <translation>商机“%1”已保存</translation>
    </message>
    <message>
        <source>Could not compute the funnel: %1</source>
        <translation>无法计算漏斗：%1</translation>
    </message>
    <message>
        <source>Computing…</source>
        <translation>正在计算…</translation>
    </message>
    <message numerus="yes">
        <source>%n day(s)</source>
        <translation>
            <numerusform>%n 天</numerusform>
        </translation>
    </message>
    <message>
        <source>Win rate %1 · won %2 deals for %3 · lost %4 · average sales cycle %5</source>
        <translation>赢率 %1 · 赢单 %2 个，共 %3 · 输单 %4 个 · 平均销售周期 %5</translation>
    </message>
    <message>
        <source>Deals entering each stage</source>
        <translation>进入各阶段的商机数</translation>
    </message>
    <message>
        <source>Open amount by stage (number of deals)</source>
        <translation>各阶段进行中金额（商机数）</translation>
    </message>
    <message>
        <source>Reached a later stage</source>
        <translation>推进到后续阶段的比例</translation>
    </message>
    <message>
        <source>Average days in stage</source>
        <translation>平均停留天数</translation>
    </message>
    <message>
        <source>Expected revenue by month of expected close (amount × probability)</source>
        <translation>按预计成交月份的预期收入（金额 × 赢率）</translation>
    </message>
    <message>
        <source>No open deal has an expected close date.</source>
        <translation>没有设置预计成交日期的进行中商机。</translation>
    </message>
</context>
<context>
    <name>PoolRulesDialog</name>
    <message>
        <source>Public pool rules</source>
        <translation>公海规则</translation>
    </message>
    <message>
        <source>New customers without an owner go to</source>
        <translation>无负责人的新客户分配给</translation>
    </message>
    <message>
        <source>Region</source>
        <translation>地区</translation>
    </message>
    <message>
        <source>Industry</source>
        <translation>行业</translation>
    </message>
    <message>
        <source>(nobody: leave them in the pool)</source>
        <translation>（不分配：留在公海）</translation>
    </message>
    <message>
        <source>Otherwise, in turn to the salespeople of team</source>
        <translation>否则在以下团队的销售中轮流分配</translation>
    </message>
    <message>
        <source>no limit</source>
        <translation>不限</translation>
    </message>
    <message>
        <source>Claims per salesperson per day</source>
        <translation>每位销售每天可领取</translation>
    </message>
    <message>
        <source>Customers go back to the pool after</source>
        <translation>客户在以下情况退回公海</translation>
    </message>
    <message>
        <source> days without a follow-up</source>
        <translation> 天未跟进</translation>
    </message>
    <message>
        <source>never</source>
        <translation>从不</translation>
    </message>
    <message>
        <source> days after the last deal was lost</source>
        <translation> 天（最近商机输单后）</translation>
    </message>
    <message>
        <source>Lost deal</source>
        <translation>商机输单</translation>
    </message>
    <message>
        <source>A follow-up is a logged call, visit, message or meeting, or a completed planned follow-up. Owners and their managers are told when a customer goes back.</source>
        <translation>跟进指已记录的电话、拜访、消息或会议，或已完成的跟进计划。客户退回公海时会通知负责人及其经理。</translation>
    </message>
    <message>
        <source>Only a manager can change the pool rules.</source>
        <translation>只有经理可以修改公海规则。</translation>
    </message>
    <message>
        <source>Owner</source>
        <translation>负责人</translation>
    </message>
    <message>
        <source>(no rule)</source>
        <translation>（无规则）</translation>
    </message>
    <message>
        <source>Team</source>
        <translation>团队</translation>
    </message>
</context>
<context>
    <name>PoolSection</name>
    <message>
        <source>Assigned</source>
        <translation>分配</translation>
    </message>
    <message>
        <source>Claimed</source>
        <translation>领取</translation>
    </message>
    <message>
        <source>Released to the pool</source>
        <translation>退回公海</translation>
    </message>
    <message>
        <source>Returned to the pool</source>
        <translation>自动退回公海</translation>
    </message>
    <message>
        <source>Someone else has just claimed this customer (%1).</source>
        <translation>这个客户刚被其他人领取（%1）。</translation>
    </message>
    <message>
        <source>You have claimed %1 customers today, the daily limit your manager set. Try again tomorrow.</source>
        <translation>您今天已领取 %1 个客户，达到经理设置的每日上限。请明天再试。</translation>
    </message>
    <message>
        <source>This customer is already in the public pool.</source>
        <translation>这个客户已在公海中。</translation>
    </message>
    <message>
        <source>Only the customer&apos;s owner or a manager can do this.</source>
        <translation>只有客户负责人或经理可以这样做。</translation>
    </message>
    <message>
        <source>Search name, pinyin or initials, code, phone</source>
        <translation>搜索名称、拼音或首字母、编号、电话</translation>
    </message>
    <message>
        <source>All regions</source>
        <translation>全部地区</translation>
    </message>
    <message>
        <source>All industries</source>
        <translation>全部行业</translation>
    </message>
    <message>
        <source>All tiers</source>
        <translation>全部分层</translation>
    </message>
    <message>
        <source>Claim</source>
        <translation>领取</translation>
    </message>
    <message>
        <source>Assign to</source>
        <translation>分配给</translation>
    </message>
    <message>
        <source>Pool rules…</source>
        <translation>公海规则…</translation>
    </message>
    <message>
        <source>Apply the return rules now</source>
        <translation>立即执行退回规则</translation>
    </message>
    <message>
        <source>When</source>
        <translation>时间</translation>
    </message>
    <message>
        <source>What</source>
        <translation>事项</translation>
    </message>
    <message>
        <source>Owner</source>
        <translation>负责人</translation>
    </message>
    <message>
        <source>By</source>
        <translation>操作人</translation>
    </message>
    <message>
        <source>Choose a customer to see who owned it.</source>
        <translation>选择客户，查看其归属记录。</translation>
    </message>
    <message>
        <source>Counting…</source>
        <translation>正在统计…</translation>
    </message>
    <message>
        <source>%1 customers in the public pool match</source>
        <translation>公海中有 %1 个客户符合条件</translation>
    </message>
    <message>
        <source>No daily claim limit</source>
        <translation>不限每日领取数</translation>
    </message>
    <message>
        <source>Claims left today: %1</source>
        <translation>今日还可领取：%1</translation>
    </message>
    <message>
        <source>Owners of %1</source>
        <translation>%1 的归属记录</translation>
    </message>
    <message>
        <source>%1 has never had an owner.</source>
        <translation>%1 从未有过负责人。</translation>
    </message>
    <message>
        <source>public pool</source>
        <translation>公海</translation>
    </message>
    <message>
        <source>pool rules</source>
        <translation>公海规则</translation>
    </message>
    <message numerus="yes">
        <source>%n customer(s) claimed: they are yours now</source>
        <translation>
            <numerusform>已领取 %n 个客户，现由您负责</numerusform>
        </translation>
    </message>
    <message>
        <source>Assign</source>
        <translation>分配</translation>
    </message>
    <message numerus="yes">
        <source>%n customer(s) assigned to %1</source>
        <translation>
            <numerusform>已将 %n 个客户分配给 %1</numerusform>
        </translation>
    </message>
    <message>
        <source>Return rules</source>
        <translation>退回规则</translation>
    </message>
    <message>
        <source>No customer is due to go back to the public pool.</source>
        <translation>没有需要退回公海的客户。</translation>
    </message>
    <message>
        <source>%1 customers have had no follow-up, or lost their last deal, for longer than the pool rules allow. Return them to the public pool now? Their owners and managers are told.</source>
        <translation>有 %1 个客户超过公海规则允许的时间未跟进或最近商机已输单。现在将其退回公海吗？会通知其负责人和经理。</translation>
    </message>
    <message>
        <source>Returning %1 customers…</source>
        <translation>正在退回 %1 个客户…</translation>
    </message>
    <message numerus="yes">
        <source>%n customer(s) returned to the public pool</source>
        <translation>
            <numerusform>已将 %n 个客户退回公海</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>ProfilePane</name>
    <message>
        <source>Edit</source>
        <translation>编辑</translation>
    </message>
    <message>
        <source>Delete</source>
        <translation>删除</translation>
    </message>
    <message>
        <source>Add interaction</source>
        <translation>添加沟通记录</translation>
    </message>
    <message>
        <source>Plan follow-up…</source>
        <translation>安排跟进…</translation>
    </message>
    <message>
        <source>New ticket…</source>
        <translation>新建工单…</translation>
    </message>
    <message>
        <source>Time</source>
        <translation>时间</translation>
    </message>
    <message>
        <source>What</source>
        <translation>事项</translation>
    </message>
    <message>
        <source>Details</source>
        <translation>详情</translation>
    </message>
    <message>
        <source>By</source>
        <translation>操作人</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>名称</translation>
    </message>
    <message>
        <source>Job title</source>
        <translation>职务</translation>
    </message>
    <message>
        <source>Phone</source>
        <translation>电话</translation>
    </message>
    <message>
        <source>Email</source>
        <translation>邮箱</translation>
    </message>
    <message>
        <source>WeChat ID</source>
        <translation>微信号</translation>
    </message>
    <message>
        <source>Date</source>
        <translation>日期</translation>
    </message>
    <message>
        <source>Order no.</source>
        <translation>订单号</translation>
    </message>
    <message>
        <source>Amount</source>
        <translation>金额</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>状态</translation>
    </message>
    <message>
        <source>Title</source>
        <translation>标题</translation>
    </message>
    <message>
        <source>Stage</source>
        <translation>阶段</translation>
    </message>
    <message>
        <source>Expected close</source>
        <translation>预计成交</translation>
    </message>
    <message>
        <source>Owner</source>
        <translation>负责人</translation>
    </message>
    <message>
        <source>Due</source>
        <translation>到期</translation>
    </message>
    <message>
        <source>Type</source>
        <translation>类型</translation>
    </message>
    <message>
        <source>Subject</source>
        <translation>主题</translation>
    </message>
    <message>
        <source>Opened</source>
        <translation>创建时间</translation>
    </message>
    <message>
        <source>Number</source>
        <translation>编号</translation>
    </message>
    <message>
        <source>Priority</source>
        <translation>优先级</translation>
    </message>
    <message>
        <source>History</source>
        <translation>历史记录</translation>
    </message>
    <message>
        <source>Contacts</source>
        <translation>联系人</translation>
    </message>
    <message>
        <source>Orders</source>
        <translation>订单</translation>
    </message>
    <message>
        <source>Opportunities</source>
        <translation>商机</translation>
    </message>
    <message>
        <source>Follow-ups</source>
        <translation>跟进</translation>
    </message>
    <message>
        <source>Tickets</source>
        <translation>工单</translation>
    </message>
    <message>
        <source>Select a customer to see their profile and history.</source>
        <translation>选择一个客户，查看其档案和历史记录。</translation>
    </message>
    <message>
        <source>Turn into a ticket…</source>
        <translation>转为工单…</translation>
    </message>
    <message>
        <source>(deleted)</source>
        <translation>（已删除）</translation>
    </message>
    <message>
        <source>(public pool)</source>
        <translation>（公海）</translation>
    </message>
    <message>
        <source>Orders: %1   Total: %2   First: %3   Last: %4   Open opportunities: %5</source>
        <translation>订单：%1   总额：%2   首单：%3   最近：%4   进行中商机：%5</translation>
    </message>
    <message>
        <source>Restore</source>
        <translation>恢复</translation>
    </message>
    <message>
        <source>Contacts (%1)</source>
        <translation>联系人 (%1)</translation>
    </message>
    <message>
        <source>Health</source>
        <translation>健康度</translation>
    </message>
    <message>
        <source>No paid order yet</source>
        <translation>尚无已付款订单</translation>
    </message>
    <message>
        <source>Last purchase %1 days ago (bought once: measured against %2 days)</source>
        <translation>最近一次购买 %1 天前（仅购买过一次，按 %2 天计）</translation>
    </message>
    <message>
        <source>Last purchase %1 days ago (usually every %2 days)</source>
        <translation>最近一次购买 %1 天前（通常每 %2 天）</translation>
    </message>
    <message>
        <source>No paid orders in the last twelve months</source>
        <translation>近十二个月没有已付款订单</translation>
    </message>
    <message>
        <source>Last six months %1, the six months before %2</source>
        <translation>近六个月 %1，之前六个月 %2</translation>
    </message>
    <message>
        <source>No open tickets</source>
        <translation>没有未关闭工单</translation>
    </message>
    <message>
        <source>%1 open tickets, %2 past their deadline</source>
        <translation>%1 张未关闭工单，%2 张已超时</translation>
    </message>
    <message>
        <source>No ratings in the last twelve months</source>
        <translation>近十二个月没有评分</translation>
    </message>
    <message>
        <source>Mean rating %1 of 5 in the last twelve months</source>
        <translation>近十二个月平均评分 %1 / 5</translation>
    </message>
    <message>
        <source>No follow-up cadence for this tier</source>
        <translation>该等级没有跟进周期</translation>
    </message>
    <message>
        <source>Never contacted (follow up every %1 days)</source>
        <translation>从未联系（应每 %1 天跟进）</translation>
    </message>
    <message>
        <source>Last contact %1 days ago (follow up every %2 days)</source>
        <translation>最近一次联系 %1 天前（应每 %2 天跟进）</translation>
    </message>
    <message>
        <source>Known once the tiers are computed</source>
        <translation>计算客户分层后可知</translation>
    </message>
    <message>
        <source>Probability the customer is still active: %1%</source>
        <translation>客户仍活跃的概率：%1%</translation>
    </message>
</context>
<context>
    <name>Recurrence</name>
    <message>
        <source>first</source>
        <translation>第一个</translation>
    </message>
    <message>
        <source>second</source>
        <translation>第二个</translation>
    </message>
    <message>
        <source>third</source>
        <translation>第三个</translation>
    </message>
    <message>
        <source>fourth</source>
        <translation>第四个</translation>
    </message>
    <message>
        <source>last</source>
        <translation>最后一个</translation>
    </message>
    <message>
        <source>Every week on %1</source>
        <translation>每%1</translation>
    </message>
    <message>
        <source>Every 2 weeks on %1</source>
        <translation>每两周的%1</translation>
    </message>
    <message>
        <source>Every month on day %1</source>
        <translation>每月%1日</translation>
    </message>
    <message>
        <source>Every month on the %1 %2</source>
        <translation>每月%1%2</translation>
    </message>
    <message>
        <source>Every year on %1</source>
        <translation>每年 %1</translation>
    </message>
    <message>
        <source>Does not repeat</source>
        <translation>不重复</translation>
    </message>
    <message>
        <source>Every day</source>
        <translation>每天</translation>
    </message>
    <message>
        <source>Every working day (Monday to Friday)</source>
        <translation>每个工作日（周一至周五）</translation>
    </message>
    <message>
        <source>No reminder</source>
        <translation>不提醒</translation>
    </message>
    <message>
        <source>At the start</source>
        <translation>开始时</translation>
    </message>
    <message>
        <source>%n day(s) before</source>
        <translation>提前 %n 天</translation>
    </message>
    <message>
        <source>%n hour(s) before</source>
        <translation>提前 %n 小时</translation>
    </message>
    <message>
        <source>%n minute(s) before</source>
        <translation>提前 %n 分钟</translation>
    </message>
</context>
<context>
    <name>RecurrenceEditor</name>
    <message>
        <source>An iCalendar (RFC 5545) recurrence rule</source>
        <translation>iCalendar（RFC 5545）重复规则</translation>
    </message>
    <message>
        <source>No end</source>
        <translation>不结束</translation>
    </message>
    <message>
        <source>Until</source>
        <translation>直到</translation>
    </message>
    <message>
        <source>After</source>
        <translation>共</translation>
    </message>
    <message>
        <source> times</source>
        <translation> 次</translation>
    </message>
    <message>
        <source>Custom rule…</source>
        <translation>自定义规则…</translation>
    </message>
</context>
<context>
    <name>ReleaseDialog</name>
    <message>
        <source>Release to the public pool</source>
        <translation>退回公海</translation>
    </message>
    <message>
        <source>Give %1 back to the public pool, where any salesperson may claim it?</source>
        <translation>将 %1 退回公海，让任何销售都可以领取？</translation>
    </message>
    <message>
        <source>Why, e.g. no budget this year; the contact left the company</source>
        <translation>原因，例如：今年没有预算；联系人已离职</translation>
    </message>
    <message>
        <source>Reason</source>
        <translation>原因</translation>
    </message>
    <message>
        <source>Say why: the next owner reads it in the history.</source>
        <translation>请说明原因：下一位负责人会在归属记录中看到。</translation>
    </message>
</context>
<context>
    <name>ReminderCenter</name>
    <message numerus="yes">
        <source>and %n more</source>
        <translation>
            <numerusform>另有 %n 条</numerusform>
        </translation>
    </message>
    <message>
        <source>Follow-up reminder</source>
        <translation>跟进提醒</translation>
    </message>
    <message>
        <source>Follow up with {customer}</source>
        <translation>跟进{customer}</translation>
    </message>
</context>
<context>
    <name>Reminders</name>
    <message>
        <source>%n day(s)</source>
        <translation>%n 天</translation>
    </message>
    <message>
        <source>%n hour(s)</source>
        <translation>%n 小时</translation>
    </message>
    <message>
        <source>%n minute(s)</source>
        <translation>%n 分钟</translation>
    </message>
</context>
<context>
    <name>RemindersDialog</name>
    <message>
        <source>Reminders</source>
        <translation>提醒</translation>
    </message>
    <message>
        <source>Time</source>
        <translation>时间</translation>
    </message>
    <message>
        <source>Type</source>
        <translation>类型</translation>
    </message>
    <message>
        <source>Customer</source>
        <translation>客户</translation>
    </message>
    <message>
        <source>Subject</source>
        <translation>主题</translation>
    </message>
    <message>
        <source>Snooze</source>
        <translation>稍后提醒</translation>
    </message>
    <message>
        <source>Done</source>
        <translation>完成</translation>
    </message>
    <message>
        <source>Dismiss</source>
        <translation>不再提醒</translation>
    </message>
    <message>
        <source>Open…</source>
        <translation>打开…</translation>
    </message>
    <message numerus="yes">
        <source>%n follow-up(s) due</source>
        <translation>
            <numerusform>%n 条跟进到时间了</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>Report</name>
    <message>
        <source>Monthly management report</source>
        <translation>月度经营报告</translation>
    </message>
    <message>
        <source>Summary</source>
        <translation>概要</translation>
    </message>
    <message>
        <source>Month</source>
        <translation>本月</translation>
    </message>
    <message>
        <source>Previous month</source>
        <translation>上月</translation>
    </message>
    <message>
        <source>Same month last year</source>
        <translation>去年同月</translation>
    </message>
    <message>
        <source>Change</source>
        <translation>变化</translation>
    </message>
    <message>
        <source>vs. previous month</source>
        <translation>环比</translation>
    </message>
    <message>
        <source>vs. same month last year</source>
        <translation>同比</translation>
    </message>
    <message>
        <source>Generated %1</source>
        <translation>生成于 %1</translation>
    </message>
    <message>
        <source>Page %1 of %2</source>
        <translation>第 %1 页，共 %2 页</translation>
    </message>
    <message>
        <source>No data</source>
        <translation>无数据</translation>
    </message>
    <message>
        <source>Whole company</source>
        <translation>全公司</translation>
    </message>
    <message>
        <source>Team %1</source>
        <translation>团队：%1</translation>
    </message>
    <message>
        <source>Salesperson %1</source>
        <translation>销售：%1</translation>
    </message>
    <message>
        <source>Customers</source>
        <translation>客户</translation>
    </message>
    <message>
        <source>Revenue</source>
        <translation>收入</translation>
    </message>
    <message>
        <source>Sales funnel</source>
        <translation>销售漏斗</translation>
    </message>
    <message>
        <source>Follow-ups</source>
        <translation>跟进</translation>
    </message>
    <message>
        <source>Customer tiers</source>
        <translation>客户分层</translation>
    </message>
    <message>
        <source>Service</source>
        <translation>客服</translation>
    </message>
    <message>
        <source>New customers</source>
        <translation>新增客户</translation>
    </message>
    <message>
        <source>Active customers (ordered)</source>
        <translation>活跃客户（有下单）</translation>
    </message>
    <message>
        <source>Customers in total</source>
        <translation>客户总数</translation>
    </message>
    <message>
        <source>Repurchase rate</source>
        <translation>复购率</translation>
    </message>
    <message>
        <source>Churned customers</source>
        <translation>流失客户</translation>
    </message>
    <message>
        <source>Revenue per active customer (ARPU)</source>
        <translation>活跃客户平均收入（ARPU）</translation>
    </message>
    <message>
        <source>Orders</source>
        <translation>订单数</translation>
    </message>
    <message>
        <source>Average order value</source>
        <translation>平均订单金额</translation>
    </message>
    <message>
        <source>New opportunities</source>
        <translation>新增商机</translation>
    </message>
    <message>
        <source>Opportunities won</source>
        <translation>赢单数</translation>
    </message>
    <message>
        <source>Amount won</source>
        <translation>赢单金额</translation>
    </message>
    <message>
        <source>Opportunities lost</source>
        <translation>输单数</translation>
    </message>
    <message>
        <source>Amount lost</source>
        <translation>输单金额</translation>
    </message>
    <message>
        <source>Win rate</source>
        <translation>赢单率</translation>
    </message>
    <message>
        <source>Average sales cycle (days)</source>
        <translation>平均销售周期（天）</translation>
    </message>
    <message>
        <source>Follow-ups planned</source>
        <translation>计划跟进</translation>
    </message>
    <message>
        <source>Follow-ups completed</source>
        <translation>完成跟进</translation>
    </message>
    <message>
        <source>Follow-ups overdue</source>
        <translation>逾期跟进</translation>
    </message>
    <message>
        <source>Strategic customers</source>
        <translation>战略级客户</translation>
    </message>
    <message>
        <source>Growth customers</source>
        <translation>成长级客户</translation>
    </message>
    <message>
        <source>Basic customers</source>
        <translation>基础级客户</translation>
    </message>
    <message>
        <source>Dormant customers</source>
        <translation>沉睡级客户</translation>
    </message>
    <message>
        <source>Unrated customers</source>
        <translation>未分层客户</translation>
    </message>
    <message>
        <source>Tickets opened</source>
        <translation>新建工单</translation>
    </message>
    <message>
        <source>Tickets resolved</source>
        <translation>解决工单</translation>
    </message>
    <message>
        <source>First response within SLA</source>
        <translation>首次响应达标率</translation>
    </message>
    <message>
        <source>Resolved within SLA</source>
        <translation>解决达标率</translation>
    </message>
    <message>
        <source>First response time (minutes)</source>
        <translation>首次响应时间（分钟）</translation>
    </message>
    <message>
        <source>Satisfaction (1 to 5)</source>
        <translation>满意度（1–5）</translation>
    </message>
    <message>
        <source>Revenue by region</source>
        <translation>按区域收入</translation>
    </message>
    <message>
        <source>Revenue by industry</source>
        <translation>按行业收入</translation>
    </message>
    <message>
        <source>Revenue by owner</source>
        <translation>按负责人收入</translation>
    </message>
    <message>
        <source>Top customers by revenue</source>
        <translation>收入前十客户</translation>
    </message>
    <message>
        <source>Forecast by expected close month</source>
        <translation>按预计成交月份的预测</translation>
    </message>
    <message>
        <source>Lost reasons</source>
        <translation>输单原因</translation>
    </message>
    <message>
        <source>Follow-ups by owner</source>
        <translation>按负责人的跟进</translation>
    </message>
    <message>
        <source>Tier changes</source>
        <translation>层级变化</translation>
    </message>
    <message>
        <source>Valuable customers at risk</source>
        <translation>有流失风险的重要客户</translation>
    </message>
    <message>
        <source>Tickets by agent</source>
        <translation>按客服的工单</translation>
    </message>
    <message>
        <source>Region</source>
        <translation>区域</translation>
    </message>
    <message>
        <source>Industry</source>
        <translation>行业</translation>
    </message>
    <message>
        <source>Owner</source>
        <translation>负责人</translation>
    </message>
    <message>
        <source>Amount</source>
        <translation>金额</translation>
    </message>
    <message>
        <source>Share</source>
        <translation>占比</translation>
    </message>
    <message>
        <source>Rank</source>
        <translation>排名</translation>
    </message>
    <message>
        <source>Customer</source>
        <translation>客户</translation>
    </message>
    <message>
        <source>Customer code</source>
        <translation>客户编号</translation>
    </message>
    <message>
        <source>Weighted amount</source>
        <translation>加权金额</translation>
    </message>
    <message>
        <source>Lost reason</source>
        <translation>输单原因</translation>
    </message>
    <message>
        <source>Count</source>
        <translation>数量</translation>
    </message>
    <message>
        <source>Planned</source>
        <translation>计划</translation>
    </message>
    <message>
        <source>Completed</source>
        <translation>完成</translation>
    </message>
    <message>
        <source>Overdue</source>
        <translation>逾期</translation>
    </message>
    <message>
        <source>From tier</source>
        <translation>原层级</translation>
    </message>
    <message>
        <source>To tier</source>
        <translation>新层级</translation>
    </message>
    <message>
        <source>Tier</source>
        <translation>层级</translation>
    </message>
    <message>
        <source>Probability active</source>
        <translation>活跃概率</translation>
    </message>
    <message>
        <source>Lifetime value (CLV)</source>
        <translation>客户终身价值（CLV）</translation>
    </message>
    <message>
        <source>Agent</source>
        <translation>客服</translation>
    </message>
    <message>
        <source>Resolved</source>
        <translation>已解决</translation>
    </message>
    <message>
        <source>Satisfaction</source>
        <translation>满意度</translation>
    </message>
    <message>
        <source>Revenue in the last 12 months</source>
        <translation>近 12 个月收入</translation>
    </message>
    <message>
        <source>Customers by tier</source>
        <translation>各层级客户数</translation>
    </message>
    <message>
        <source>Tickets opened and resolved by month</source>
        <translation>各月新建与解决的工单</translation>
    </message>
</context>
<context>
    <name>ReportsSection</name>
    <message>
        <source>(so far)</source>
        <translation>（截至目前）</translation>
    </message>
    <message>
        <source>Salesperson: %1</source>
        <translation>销售：%1</translation>
    </message>
    <message>
        <source>Team: %1</source>
        <translation>团队：%1</translation>
    </message>
    <message>
        <source>Whole company</source>
        <translation>全公司</translation>
    </message>
    <message>
        <source>Build report</source>
        <translation>生成报表</translation>
    </message>
    <message>
        <source>Print preview…</source>
        <translation>打印预览…</translation>
    </message>
    <message>
        <source>Print…</source>
        <translation>打印…</translation>
    </message>
    <message>
        <source>Save as PDF…</source>
        <translation>另存为 PDF…</translation>
    </message>
    <message>
        <source>Export to Excel…</source>
        <translation>导出到 Excel…</translation>
    </message>
    <message>
        <source>Sales targets…</source>
        <translation>业绩目标…</translation>
    </message>
    <message>
        <source>Set each salesperson&apos;s and team&apos;s monthly or quarterly targets and see how far they are reached</source>
        <translation>为每位销售和每个团队设定月度或季度目标，并查看完成情况</translation>
    </message>
    <message>
        <source>Month</source>
        <translation>本月</translation>
    </message>
    <message>
        <source>Scope</source>
        <translation>范围</translation>
    </message>
    <message>
        <source>Figure</source>
        <translation>指标</translation>
    </message>
    <message>
        <source>Previous month</source>
        <translation>上月</translation>
    </message>
    <message>
        <source>Same month last year</source>
        <translation>去年同月</translation>
    </message>
    <message>
        <source>Change</source>
        <translation>变化</translation>
    </message>
    <message>
        <source>Choose a month and a scope, then Build report.</source>
        <translation>选择月份和范围，然后点“生成报表”。</translation>
    </message>
    <message>
        <source>Could not build the report: %1</source>
        <translation>无法生成报表：%1</translation>
    </message>
    <message>
        <source>%1 · %2</source>
        <translation>%1 · %2</translation>
    </message>
    <message>
        <source>Sales targets saved</source>
        <translation>业绩目标已保存</translation>
    </message>
    <message>
        <source>Print preview</source>
        <translation>打印预览</translation>
    </message>
    <message>
        <source>Save report as PDF</source>
        <translation>报表另存为 PDF</translation>
    </message>
    <message>
        <source>PDF files (*.pdf)</source>
        <translation>PDF 文件 (*.pdf)</translation>
    </message>
    <message>
        <source>Could not write %1: %2</source>
        <translation>无法写入 %1：%2</translation>
    </message>
    <message numerus="yes">
        <source>%n page(s) saved to %1</source>
        <translation>
            <numerusform>%n 页已保存到 %1</numerusform>
        </translation>
    </message>
    <message>
        <source>Export figures to Excel</source>
        <translation>导出数据到 Excel</translation>
    </message>
    <message>
        <source>Excel workbooks (*.xlsx)</source>
        <translation>Excel 工作簿 (*.xlsx)</translation>
    </message>
    <message>
        <source>Figures saved to %1</source>
        <translation>数据已保存到 %1</translation>
    </message>
</context>
<context>
    <name>ResolveDialog</name>
    <message>
        <source>Resolve ticket %1</source>
        <translation>解决工单 %1</translation>
    </message>
    <message>
        <source>Resolve “%1” for %2.</source>
        <translation>为%2解决“%1”。</translation>
    </message>
    <message>
        <source>%1 of 5</source>
        <translation>%1 分（满分 5）</translation>
    </message>
    <message>
        <source>Not asked</source>
        <translation>未询问</translation>
    </message>
    <message>
        <source>Customer satisfaction</source>
        <translation>客户满意度</translation>
    </message>
    <message>
        <source>What the customer said (optional)</source>
        <translation>客户的评价（可选）</translation>
    </message>
    <message>
        <source>Customer&apos;s comment</source>
        <translation>客户评价</translation>
    </message>
    <message>
        <source>How it was solved (written in the ticket&apos;s log)</source>
        <translation>如何解决的（记入工单日志）</translation>
    </message>
    <message>
        <source>Resolution</source>
        <translation>解决</translation>
    </message>
</context>
<context>
    <name>RunPage</name>
    <message>
        <source>Import</source>
        <translation>导入</translation>
    </message>
    <message>
        <source>Rows are written in batches. Cancel keeps the batches already written; the import history can undo them.</source>
        <translation>数据分批写入。取消时，已写入的批次会保留，可在导入记录中撤销。</translation>
    </message>
    <message>
        <source>Cancel import</source>
        <translation>取消导入</translation>
    </message>
    <message>
        <source>Continue import</source>
        <translation>继续导入</translation>
    </message>
    <message>
        <source>Save rejected rows…</source>
        <translation>保存未导入的行…</translation>
    </message>
    <message>
        <source>This import is in the import history (Data ▸ Import history…), where it can be undone as a whole as long as nobody has changed its records since.</source>
        <translation>本次导入已记入导入记录（数据 ▸ 导入记录…）。只要导入的记录之后没有人改动过，就可以在那里整体撤销。</translation>
    </message>
    <message>
        <source>Importing…</source>
        <translation>正在导入…</translation>
    </message>
    <message>
        <source>The import of %1 is finished.</source>
        <translation>%1 导入完成。</translation>
    </message>
    <message>
        <source>Import cancelled. %1 records were created and %2 updated before it stopped; they stay.</source>
        <translation>导入已取消。停止前已新建 %1 条、更新 %2 条记录，这些会保留。</translation>
    </message>
    <message>
        <source>The batches written before the failure stay.</source>
        <translation>出错前已写入的批次会保留。</translation>
    </message>
</context>
<context>
    <name>Settings</name>
    <message>
        <source>Someone else saved these settings after you opened them; nothing was saved. Close and open the dialog again to see theirs.</source>
        <translation>您打开后，其他人保存了这些设置；本次未保存。请关闭后重新打开对话框查看。</translation>
    </message>
</context>
<context>
    <name>SettingsDialog</name>
    <message>
        <source>Settings</source>
        <translation>设置</translation>
    </message>
    <message>
        <source>General</source>
        <translation>常规</translation>
    </message>
    <message>
        <source>Team rules</source>
        <translation>团队规则</translation>
    </message>
    <message>
        <source>Database</source>
        <translation>数据库</translation>
    </message>
    <message>
        <source>Follow the system</source>
        <translation>跟随系统</translation>
    </message>
    <message>
        <source>Monday</source>
        <translation>星期一</translation>
    </message>
    <message>
        <source>Sunday</source>
        <translation>星期日</translation>
    </message>
    <message>
        <source>Saturday</source>
        <translation>星期六</translation>
    </message>
    <message>
        <source>A new language takes effect when the app starts next time.</source>
        <translation>新的语言在下次启动时生效。</translation>
    </message>
    <message>
        <source>Language</source>
        <translation>语言</translation>
    </message>
    <message>
        <source>Weeks start on</source>
        <translation>每周第一天</translation>
    </message>
    <message>
        <source>Shown on the title page of reports</source>
        <translation>显示在报表的封面上</translation>
    </message>
    <message>
        <source>Chinese yuan</source>
        <translation>人民币</translation>
    </message>
    <message>
        <source>Hong Kong dollar</source>
        <translation>港元</translation>
    </message>
    <message>
        <source>US dollar</source>
        <translation>美元</translation>
    </message>
    <message>
        <source>Euro</source>
        <translation>欧元</translation>
    </message>
    <message>
        <source>Japanese yen</source>
        <translation>日元</translation>
    </message>
    <message>
        <source>Pound sterling</source>
        <translation>英镑</translation>
    </message>
    <message>
        <source>New Taiwan dollar</source>
        <translation>新台币</translation>
    </message>
    <message>
        <source>Singapore dollar</source>
        <translation>新加坡元</translation>
    </message>
    <message>
        <source>Company name</source>
        <translation>公司名称</translation>
    </message>
    <message>
        <source>Currency</source>
        <translation>币种</translation>
    </message>
    <message>
        <source>The company name and currency are the same for everyone using this database; new opportunities and imported orders without a currency get this one.</source>
        <translation>公司名称和币种对使用这个数据库的所有人相同；新建的商机和未注明币种的导入订单使用此币种。</translation>
    </message>
    <message>
        <source>The company name and currency are the same for everyone using this database; a manager or an administrator can change them.</source>
        <translation>公司名称和币种对使用这个数据库的所有人相同；经理或管理员可以修改。</translation>
    </message>
    <message>
        <source>Business hours and SLA…</source>
        <translation>工作时间与服务时限…</translation>
    </message>
    <message>
        <source>Working hours, response and resolution deadlines, escalation</source>
        <translation>工作时间、响应和解决时限、升级规则</translation>
    </message>
    <message>
        <source>Customer tiers…</source>
        <translation>客户分层…</translation>
    </message>
    <message>
        <source>The rules that make a customer strategic, growth, basic or dormant</source>
        <translation>决定客户属于战略、成长、基础或沉睡的规则</translation>
    </message>
    <message>
        <source>Pipeline stages…</source>
        <translation>销售阶段…</translation>
    </message>
    <message>
        <source>The columns of the sales funnel and their win probability</source>
        <translation>销售漏斗的各列及其赢单概率</translation>
    </message>
    <message>
        <source>Lost reasons…</source>
        <translation>丢单原因…</translation>
    </message>
    <message>
        <source>The reasons to pick from when a deal is lost</source>
        <translation>丢单时可选的原因</translation>
    </message>
    <message>
        <source>Deal automation…</source>
        <translation>商机自动化…</translation>
    </message>
    <message>
        <source>Follow-ups created when a deal moves</source>
        <translation>商机推进时自动创建的跟进</translation>
    </message>
    <message>
        <source>Lead scoring…</source>
        <translation>线索评分…</translation>
    </message>
    <message>
        <source>Points that rank new leads</source>
        <translation>给新线索排序的评分规则</translation>
    </message>
    <message>
        <source>Follow-up cadence…</source>
        <translation>跟进频率…</translation>
    </message>
    <message>
        <source>How often each tier should be contacted</source>
        <translation>各层级客户应多久联系一次</translation>
    </message>
    <message>
        <source>Holidays and working days…</source>
        <translation>节假日与调休…</translation>
    </message>
    <message>
        <source>Public holidays and make-up working days</source>
        <translation>法定节假日和调休上班日</translation>
    </message>
    <message>
        <source>Public pool…</source>
        <translation>公海规则…</translation>
    </message>
    <message>
        <source>When customers go back to the pool and how many a salesperson may hold</source>
        <translation>客户何时退回公海，以及每位销售最多可持有多少客户</translation>
    </message>
    <message>
        <source>You can look at the team rules; a manager or an administrator can change them.</source>
        <translation>您可以查看团队规则；经理或管理员可以修改。</translation>
    </message>
    <message>
        <source>This window works with: %1</source>
        <translation>当前窗口使用的数据库：%1</translation>
    </message>
    <message>
        <source>Server passwords are kept in: %1</source>
        <translation>服务器密码保存在：%1</translation>
    </message>
    <message>
        <source>This computer has no secure password store, so Desktop CRM asks for the server password each time it starts. It never writes the password to a file.</source>
        <translation>本机没有安全的密码存储，因此 Desktop CRM 每次启动时都会询问服务器密码。密码绝不会写入任何文件。</translation>
    </message>
    <message>
        <source>Connect to the office database…</source>
        <translation>连接办公室数据库…</translation>
    </message>
    <message>
        <source>Work on this computer</source>
        <translation>在本机工作</translation>
    </message>
    <message>
        <source>The file on this computer: %1</source>
        <translation>本机的数据文件：%1</translation>
    </message>
    <message>
        <source>This computer&apos;s choice is overridden by the DESKTOP_CRM_DB environment variable.</source>
        <translation>本机的选择被环境变量 DESKTOP_CRM_DB 覆盖。</translation>
    </message>
    <message>
        <source>At the next start: the offline copy %1</source>
        <translation>下次启动时使用：离线副本 %1</translation>
    </message>
    <message>
        <source>At the next start: the office database %1</source>
        <translation>下次启动时使用：办公室数据库 %1</translation>
    </message>
    <message>
        <source>At the next start: the database on this computer</source>
        <translation>下次启动时使用：本机数据库</translation>
    </message>
    <message>
        <source>Desktop CRM will open this database the next time it starts.</source>
        <translation>Desktop CRM 下次启动时将打开这个数据库。</translation>
    </message>
</context>
<context>
    <name>ShortcutsDialog</name>
    <message>
        <source>Keyboard shortcuts</source>
        <translation>键盘快捷键</translation>
    </message>
    <message>
        <source>Key</source>
        <translation>按键</translation>
    </message>
    <message>
        <source>Does</source>
        <translation>功能</translation>
    </message>
    <message>
        <source>Menu</source>
        <translation>菜单</translation>
    </message>
</context>
<context>
    <name>SignInDialog</name>
    <message>
        <source>Sign in</source>
        <translation>登录</translation>
    </message>
    <message>
        <source>Several people use Desktop CRM on this computer. Choose your name and type your password.</source>
        <translation>这台电脑上有多人使用 Desktop CRM。请选择您的姓名并输入密码。</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>姓名</translation>
    </message>
    <message>
        <source>Password</source>
        <translation>密码</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <source>That password is not right for this name.</source>
        <translation>密码与所选姓名不符。</translation>
    </message>
</context>
<context>
    <name>SlaSettingsDialog</name>
    <message>
        <source>SLA settings</source>
        <translation>SLA 设置</translation>
    </message>
    <message>
        <source>Business hours</source>
        <translation>工作时间</translation>
    </message>
    <message>
        <source>SLA targets</source>
        <translation>SLA 时限</translation>
    </message>
    <message>
        <source>Escalation</source>
        <translation>升级</translation>
    </message>
    <message>
        <source>New hours and targets apply to tickets opened from now on, and to a ticket when its priority changes or it resumes after waiting on the customer.</source>
        <translation>新的工作时间和时限适用于此后新建的工单，以及优先级变更或从等待客户恢复处理的工单。</translation>
    </message>
    <message>
        <source>Only a manager or an admin can change the SLA settings.</source>
        <translation>只有经理或管理员可以修改 SLA 设置。</translation>
    </message>
    <message>
        <source>Working days</source>
        <translation>工作日</translation>
    </message>
    <message>
        <source>Add interval</source>
        <translation>添加时段</translation>
    </message>
    <message>
        <source>Working hours</source>
        <translation>工作时段</translation>
    </message>
    <message>
        <source>Time zone</source>
        <translation>时区</translation>
    </message>
    <message>
        <source>Follow the Chinese public-holiday calendar (调休)</source>
        <translation>按中国法定节假日安排（含调休）</translation>
    </message>
    <message>
        <source>Public holidays are days off and the adjusted weekend days are working days, as in the company&apos;s holiday calendar</source>
        <translation>按公司节假日日历：法定节假日休息，调休的周末上班</translation>
    </message>
    <message>
        <source>The intervals must be in order and must not overlap.</source>
        <translation>时段必须按顺序排列，且不能重叠。</translation>
    </message>
    <message>
        <source>A working day has %1 h of working time; SLA targets count only working time.</source>
        <translation>每个工作日有 %1 小时工作时间；SLA 时限只计算工作时间。</translation>
    </message>
    <message>
        <source>Targets for</source>
        <translation>时限适用于</translation>
    </message>
    <message>
        <source>Any customer tier</source>
        <translation>所有客户层级</translation>
    </message>
    <message>
        <source>%1 customers</source>
        <translation>%1客户</translation>
    </message>
    <message>
        <source>Priority</source>
        <translation>优先级</translation>
    </message>
    <message>
        <source>First response within</source>
        <translation>首次响应时限</translation>
    </message>
    <message>
        <source>Resolution within</source>
        <translation>解决时限</translation>
    </message>
    <message>
        <source> business hours</source>
        <translation> 个工作小时</translation>
    </message>
    <message>
        <source>Own targets</source>
        <translation>单独时限</translation>
    </message>
    <message>
        <source>Targets for this tier instead of the ones for any tier</source>
        <translation>此层级使用自己的时限，而非通用时限</translation>
    </message>
    <message>
        <source>Tickets of customers with their own targets for a priority follow those; the others follow the targets for any tier.</source>
        <translation>设置了单独时限的层级，其客户的工单按单独时限；其他客户按通用时限。</translation>
    </message>
    <message>
        <source>Every ticket follows these unless its customer&apos;s tier has its own targets.</source>
        <translation>除非客户所在层级有单独时限，所有工单都按这些时限。</translation>
    </message>
    <message>
        <source> business minutes before</source>
        <translation> 个工作分钟前</translation>
    </message>
    <message>
        <source>no warning</source>
        <translation>不预警</translation>
    </message>
    <message>
        <source>Warn the assignee&apos;s manager</source>
        <translation>提醒处理人的经理</translation>
    </message>
    <message>
        <source>Raise the priority at a breach</source>
        <translation>超时时提高优先级</translation>
    </message>
    <message>
        <source>Nobody: it stays with its assignee</source>
        <translation>不转交：仍由原处理人负责</translation>
    </message>
    <message>
        <source>Hand breached tickets to</source>
        <translation>超时工单转交给</translation>
    </message>
    <message>
        <source>Tickets within the warning time show amber in the list, breached ones red. The manager is told at both steps; each step happens once per deadline and is written in the ticket&apos;s log.</source>
        <translation>进入预警时间的工单在列表中显示为琥珀色，超时的显示为红色。两个阶段都会通知经理；每个时限每个阶段只发生一次，并记入工单日志。</translation>
    </message>
    <message>
        <source>Warning</source>
        <translation>预警</translation>
    </message>
</context>
<context>
    <name>StaffDialog</name>
    <message>
        <source>Administrator</source>
        <translation>管理员</translation>
    </message>
    <message>
        <source>Manager</source>
        <translation>经理</translation>
    </message>
    <message>
        <source>Salesperson</source>
        <translation>销售</translation>
    </message>
    <message>
        <source>Service agent</source>
        <translation>客服</translation>
    </message>
    <message>
        <source>Export data</source>
        <translation>导出数据</translation>
    </message>
    <message>
        <source>Delete several records at once</source>
        <translation>批量删除</translation>
    </message>
    <message>
        <source>See every phone, e-mail and address</source>
        <translation>查看所有电话、邮箱和地址</translation>
    </message>
    <message>
        <source>Manage staff accounts</source>
        <translation>管理员工账号</translation>
    </message>
    <message>
        <source>Read the whole audit log</source>
        <translation>查看完整操作日志</translation>
    </message>
    <message>
        <source>The server already has a login called %1 (perhaps for another database). Choose another user name.</source>
        <translation>服务器上已有名为 %1 的登录账号（可能属于另一个数据库）。请换一个用户名。</translation>
    </message>
    <message>
        <source>A user name is 2-63 lower-case letters, digits, _ . or -, starting with a letter: %1</source>
        <translation>用户名须为 2 到 63 个小写字母、数字、_、. 或 -，并以字母开头：%1</translation>
    </message>
    <message>
        <source>You cannot disable your own account.</source>
        <translation>不能停用自己的账号。</translation>
    </message>
    <message>
        <source>You cannot take away your own administrator role.</source>
        <translation>不能取消自己的管理员角色。</translation>
    </message>
    <message>
        <source>Staff accounts</source>
        <translation>员工账号</translation>
    </message>
    <message>
        <source>User name</source>
        <translation>用户名</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>姓名</translation>
    </message>
    <message>
        <source>Role</source>
        <translation>角色</translation>
    </message>
    <message>
        <source>Team</source>
        <translation>团队</translation>
    </message>
    <message>
        <source>Reports to</source>
        <translation>直属上级</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>状态</translation>
    </message>
    <message>
        <source>Add…</source>
        <translation>添加…</translation>
    </message>
    <message>
        <source>Edit…</source>
        <translation>编辑…</translation>
    </message>
    <message>
        <source>Disable</source>
        <translation>停用</translation>
    </message>
    <message>
        <source>Reset password…</source>
        <translation>重置密码…</translation>
    </message>
    <message>
        <source>Each person logs in to the office database with their own user name and password; what they see follows their role.</source>
        <translation>每个人用自己的用户名和密码登录办公室数据库，能看到的内容由其角色决定。</translation>
    </message>
    <message>
        <source>On this computer&apos;s database, a password is asked at start-up only once someone has one: set one for everyone who shares this PC.</source>
        <translation>使用本机数据库时，只有在有人设置了密码后，启动时才会要求登录：请为共用这台电脑的每个人都设置密码。</translation>
    </message>
    <message>
        <source>Close</source>
        <translation>关闭</translation>
    </message>
    <message>
        <source>Active</source>
        <translation>启用</translation>
    </message>
    <message>
        <source>Disabled</source>
        <translation>已停用</translation>
    </message>
    <message>
        <source>Enable</source>
        <translation>启用</translation>
    </message>
    <message>
        <source>Password</source>
        <translation>密码</translation>
    </message>
    <message>
        <source>The password of %1 is:

%2

Hand it over now: it is not shown again, and Desktop CRM does not keep it.</source>
        <translation>%1 的密码是：

%2

请现在交给对方：密码不会再次显示，Desktop CRM 也不会保存它。</translation>
    </message>
    <message>
        <source>Copy</source>
        <translation>复制</translation>
    </message>
    <message>
        <source>%1 added</source>
        <translation>已添加 %1</translation>
    </message>
    <message>
        <source>%1 saved</source>
        <translation>已保存 %1</translation>
    </message>
    <message>
        <source>%1 can log in again</source>
        <translation>%1 可以再次登录</translation>
    </message>
    <message>
        <source>%1 can no longer log in; their customers and history stay</source>
        <translation>%1 已不能登录；其客户和历史记录保留</translation>
    </message>
    <message>
        <source>New password set for %1</source>
        <translation>已为 %1 设置新密码</translation>
    </message>
</context>
<context>
    <name>StagesDialog</name>
    <message>
        <source>Pipeline stages</source>
        <translation>漏斗阶段</translation>
    </message>
    <message>
        <source>Stage</source>
        <translation>阶段</translation>
    </message>
    <message>
        <source>Win probability %</source>
        <translation>赢率 %</translation>
    </message>
    <message>
        <source>Add stage</source>
        <translation>添加阶段</translation>
    </message>
    <message>
        <source>Move up</source>
        <translation>上移</translation>
    </message>
    <message>
        <source>Move down</source>
        <translation>下移</translation>
    </message>
    <message>
        <source>Won and Lost close a deal; new stages go before them. A stage&apos;s probability is given to deals that enter it.</source>
        <translation>赢单和输单表示商机结束；新阶段排在它们之前。进入某阶段的商机使用该阶段的赢率。</translation>
    </message>
    <message>
        <source>Only a manager can change the stages.</source>
        <translation>只有经理可以修改阶段。</translation>
    </message>
    <message>
        <source>New stage</source>
        <translation>新阶段</translation>
    </message>
</context>
<context>
    <name>SyncConflictsDialog</name>
    <message>
        <source>Both changed</source>
        <translation>双方都修改了</translation>
    </message>
    <message>
        <source>Deleted and changed</source>
        <translation>一方删除、一方修改</translation>
    </message>
    <message>
        <source>Already taken</source>
        <translation>已被占用</translation>
    </message>
    <message>
        <source>Looks like a duplicate</source>
        <translation>疑似重复</translation>
    </message>
    <message>
        <source>Refused by the server</source>
        <translation>服务器拒绝</translation>
    </message>
    <message>
        <source>This was changed at the office while it was changed offline. The record keeps the office&apos;s value (theirs) until you choose.</source>
        <translation>离线修改期间，办公室也修改了这一项。在您做出选择之前，记录保留办公室的值（对方的）。</translation>
    </message>
    <message>
        <source>One side deleted this record while the other changed it. The record was kept until you choose.</source>
        <translation>一方删除了这条记录，另一方修改了它。在您做出选择之前，记录被保留。</translation>
    </message>
    <message>
        <source>The value chosen offline was already taken at the office, so the record got the next free one.</source>
        <translation>离线时填写的值在办公室已被占用，因此记录改用了下一个可用的值。</translation>
    </message>
    <message>
        <source>This new customer looks like one that already exists. Merge them with the merge tool, or dismiss this notice if they are different.</source>
        <translation>这个新客户与已有客户很像。可以用合并工具合并它们；如果不是同一个客户，请忽略此提示。</translation>
    </message>
    <message>
        <source>The server refused this change (permissions or a rule). The values as they were typed are shown here so nothing is lost.</source>
        <translation>服务器拒绝了这项修改（权限或规则所限）。这里显示当时填写的值，不会丢失任何内容。</translation>
    </message>
    <message>
        <source>Used mine</source>
        <translation>已采用我的</translation>
    </message>
    <message>
        <source>Kept theirs</source>
        <translation>已保留对方的</translation>
    </message>
    <message>
        <source>Dismissed</source>
        <translation>已忽略</translation>
    </message>
    <message>
        <source>Record</source>
        <translation>记录</translation>
    </message>
    <message>
        <source>Field</source>
        <translation>字段</translation>
    </message>
    <message>
        <source>Base</source>
        <translation>原值</translation>
    </message>
    <message>
        <source>Mine</source>
        <translation>我的</translation>
    </message>
    <message>
        <source>Theirs</source>
        <translation>对方的</translation>
    </message>
    <message>
        <source>Who</source>
        <translation>修改人</translation>
    </message>
    <message>
        <source>When</source>
        <translation>修改时间</translation>
    </message>
    <message>
        <source>Kind</source>
        <translation>类型</translation>
    </message>
    <message>
        <source>(no record)</source>
        <translation>（无记录）</translation>
    </message>
    <message>
        <source>Not deleted</source>
        <translation>未删除</translation>
    </message>
    <message>
        <source>Deleted</source>
        <translation>已删除</translation>
    </message>
    <message>
        <source>(empty)</source>
        <translation>（空）</translation>
    </message>
    <message>
        <source>Sync conflicts</source>
        <translation>同步冲突</translation>
    </message>
    <message>
        <source>When the same thing was changed offline and at the office, the office&apos;s value stays until you choose. Choices made on an offline copy go to the office with the next sync.</source>
        <translation>同一项内容在离线时和办公室都被修改时，在您做出选择之前保留办公室的值。在离线副本上做出的选择会在下次同步时发送到办公室。</translation>
    </message>
    <message>
        <source>No conflicts: everything synced cleanly.</source>
        <translation>没有冲突：所有内容都已顺利同步。</translation>
    </message>
    <message>
        <source>Show resolved</source>
        <translation>显示已处理的</translation>
    </message>
    <message>
        <source>Keep theirs</source>
        <translation>保留对方的</translation>
    </message>
    <message>
        <source>Use mine</source>
        <translation>采用我的</translation>
    </message>
    <message>
        <source>Dismiss</source>
        <translation>忽略</translation>
    </message>
    <message>
        <source>Open merge tool…</source>
        <translation>打开合并工具…</translation>
    </message>
    <message>
        <source>Close</source>
        <translation>关闭</translation>
    </message>
    <message>
        <source>No conflicts yet.</source>
        <translation>还没有冲突。</translation>
    </message>
    <message>
        <source>The conflicts could not be read: %1</source>
        <translation>无法读取冲突：%1</translation>
    </message>
    <message>
        <source>Mine: %1, %2</source>
        <translation>我的：%1，%2</translation>
    </message>
    <message>
        <source>Theirs: %1, %2</source>
        <translation>对方的：%1，%2</translation>
    </message>
    <message>
        <source>The server said: %1</source>
        <translation>服务器提示：%1</translation>
    </message>
    <message>
        <source>This conflict could not be decided: %1</source>
        <translation>无法处理这个冲突：%1</translation>
    </message>
</context>
<context>
    <name>SyncDialog</name>
    <message>
        <source>The sync stopped with an error: %1

What was sent before it is kept; your other changes stay on this computer. Sync again later; if it happens again, tell your administrator.</source>
        <translation>同步因错误中断：%1

出错前已发送的内容会保留；其余修改仍保存在本机。请稍后再次同步；如果问题再次出现，请告知管理员。</translation>
    </message>
    <message>
        <source>The office server cannot be reached. Your changes are kept on this computer; sync again when you are connected.</source>
        <translation>无法连接办公室服务器。您的修改保存在本机；联网后请再次同步。</translation>
    </message>
    <message>
        <source>Sync cancelled: what was sent is kept; the rest goes next time.</source>
        <translation>同步已取消：已发送的内容会保留，其余内容下次同步时发送。</translation>
    </message>
    <message>
        <source>This app (schema %1) and the office server (schema %2) are on different versions: ask the administrator to upgrade the server (desktop-crm init) before syncing. Nothing was changed.</source>
        <translation>本程序（数据库版本 %1）与办公室服务器（数据库版本 %2）版本不同：请先让管理员升级服务器（desktop-crm init），再进行同步。没有任何改动。</translation>
    </message>
    <message>
        <source>This app (schema %1) and the office server (schema %2) are on different versions: upgrade Desktop CRM on this computer before syncing. Nothing was changed.</source>
        <translation>本程序（数据库版本 %1）与办公室服务器（数据库版本 %2）版本不同：请先升级本机的 Desktop CRM，再进行同步。没有任何改动。</translation>
    </message>
    <message>
        <source>The office server is behind this computer: it was probably restored from an older backup. Contact your administrator before syncing again. Nothing was changed; your changes are kept on this computer.</source>
        <translation>办公室服务器的数据比本机旧：它可能是从较早的备份恢复的。请先联系管理员，再进行同步。没有任何改动；您的修改保存在本机。</translation>
    </message>
    <message>
        <source>The office server did not accept your login (%1). Check the password under Settings → Database, then sync again. Your changes are kept on this computer.</source>
        <translation>办公室服务器未接受您的登录（%1）。请在“设置 → 数据库”中检查密码，然后再次同步。您的修改保留在本机。</translation>
    </message>
    <message>
        <source>Your server login (%1) is not a Desktop CRM staff account. Ask your administrator for one. Nothing was changed.</source>
        <translation>您的服务器登录名（%1）不是 Desktop CRM 的员工账号。请向管理员申请账号。没有任何改动。</translation>
    </message>
    <message>
        <source>This database is not an offline copy: there is nothing to sync.</source>
        <translation>这个数据库不是离线副本：无需同步。</translation>
    </message>
    <message>
        <source>There is already a file at %1. Choose another name, or move that file away first.</source>
        <translation>%1 已有一个文件。请换一个文件名，或先把那个文件移走。</translation>
    </message>
    <message>
        <source>The sync stopped: %1</source>
        <translation>同步已中断：%1</translation>
    </message>
    <message>
        <source>Connecting to the office server…</source>
        <translation>正在连接办公室服务器…</translation>
    </message>
    <message>
        <source>Sending your changes…</source>
        <translation>正在发送您的修改…</translation>
    </message>
    <message>
        <source>Receiving changes…</source>
        <translation>正在接收修改…</translation>
    </message>
    <message>
        <source>Done</source>
        <translation>完成</translation>
    </message>
    <message>
        <source>Sync with the office</source>
        <translation>与办公室同步</translation>
    </message>
    <message>
        <source>Show conflicts</source>
        <translation>查看冲突</translation>
    </message>
    <message>
        <source>Sync again</source>
        <translation>再次同步</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <source>Close</source>
        <translation>关闭</translation>
    </message>
    <message>
        <source>Stopping after the current batch…</source>
        <translation>当前这一批完成后停止…</translation>
    </message>
    <message>
        <source>%1 of %2 changes sent</source>
        <translation>已发送 %1 / %2 项修改</translation>
    </message>
    <message numerus="yes">
        <source>%n record(s) received</source>
        <translation>
            <numerusform>已接收 %n 条记录</numerusform>
        </translation>
    </message>
    <message>
        <source>Sync finished: %1, %2, %3.</source>
        <translation>同步完成：%1，%2，%3。</translation>
    </message>
    <message numerus="yes">
        <source>%n change(s) sent</source>
        <translation>
            <numerusform>发送 %n 项修改</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n change(s) received</source>
        <translation>
            <numerusform>接收 %n 项修改</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n conflict(s)</source>
        <translation>
            <numerusform>%n 个冲突</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n record(s) no longer yours to see were removed from this computer.</source>
        <translation>
            <numerusform>%n 条您已无权查看的记录已从本机移除。</numerusform>
        </translation>
    </message>
    <message>
        <source>Where both sides changed the same thing, the office&apos;s value was kept: look at the conflicts and choose.</source>
        <translation>双方修改了同一项内容时，暂时保留办公室的值：请查看冲突并做出选择。</translation>
    </message>
    <message>
        <source>Sync cancelled</source>
        <translation>同步已取消</translation>
    </message>
    <message>
        <source>The sync did not finish</source>
        <translation>同步未完成</translation>
    </message>
</context>
<context>
    <name>SyncHistoryDialog</name>
    <message>
        <source>Running</source>
        <translation>进行中</translation>
    </message>
    <message>
        <source>Finished</source>
        <translation>已完成</translation>
    </message>
    <message>
        <source>Failed</source>
        <translation>失败</translation>
    </message>
    <message>
        <source>Cancelled</source>
        <translation>已取消</translation>
    </message>
    <message>
        <source>Office server not reachable</source>
        <translation>无法连接办公室服务器</translation>
    </message>
    <message>
        <source>Cancelled by you</source>
        <translation>由您取消</translation>
    </message>
    <message>
        <source>The office server needs an upgrade</source>
        <translation>办公室服务器需要升级</translation>
    </message>
    <message>
        <source>This app needs an upgrade</source>
        <translation>本程序需要升级</translation>
    </message>
    <message>
        <source>The office server was restored from an older backup</source>
        <translation>办公室服务器从较早的备份恢复过</translation>
    </message>
    <message>
        <source>The login is no staff account</source>
        <translation>登录名不是员工账号</translation>
    </message>
    <message>
        <source>Not an offline copy</source>
        <translation>不是离线副本</translation>
    </message>
    <message>
        <source>Started</source>
        <translation>开始时间</translation>
    </message>
    <message>
        <source>Duration</source>
        <translation>用时</translation>
    </message>
    <message>
        <source>Sent</source>
        <translation>发送</translation>
    </message>
    <message>
        <source>Received</source>
        <translation>接收</translation>
    </message>
    <message>
        <source>Conflicts</source>
        <translation>冲突</translation>
    </message>
    <message>
        <source>Outcome</source>
        <translation>结果</translation>
    </message>
    <message>
        <source>Error</source>
        <translation>错误</translation>
    </message>
    <message>
        <source>Sync history</source>
        <translation>同步记录</translation>
    </message>
    <message>
        <source>No syncs yet.</source>
        <translation>还没有同步过。</translation>
    </message>
    <message>
        <source>Close</source>
        <translation>关闭</translation>
    </message>
    <message>
        <source>%1 s</source>
        <translation>%1 秒</translation>
    </message>
    <message>
        <source>%1 min %2 s</source>
        <translation>%1 分 %2 秒</translation>
    </message>
    <message>
        <source>%1 h %2 min</source>
        <translation>%1 小时 %2 分</translation>
    </message>
</context>
<context>
    <name>TargetsDialog</name>
    <message>
        <source>Sales targets</source>
        <translation>业绩目标</translation>
    </message>
    <message>
        <source>Month</source>
        <translation>月度</translation>
    </message>
    <message>
        <source>Quarter</source>
        <translation>季度</translation>
    </message>
    <message>
        <source>Period</source>
        <translation>期间</translation>
    </message>
    <message>
        <source>Type a target in a cell; an empty cell means no target. A team without a target of its own is measured against the sum of its members&apos; targets. Coverage is the weighted pipeline expected to close in what is left of the period, over the revenue still missing.</source>
        <translation>在单元格中输入目标，留空表示不设目标。团队未单独设定目标时，按其成员目标之和考核。覆盖率 = 本期剩余时间内预计成交的加权商机金额 ÷ 尚差的销售额。</translation>
    </message>
    <message>
        <source>Only a manager can change sales targets.</source>
        <translation>只有经理可以修改业绩目标。</translation>
    </message>
    <message>
        <source>Salesperson / team</source>
        <translation>销售 / 团队</translation>
    </message>
    <message>
        <source>Revenue target</source>
        <translation>销售额目标</translation>
    </message>
    <message>
        <source>Revenue so far</source>
        <translation>已完成销售额</translation>
    </message>
    <message>
        <source>Attained</source>
        <translation>完成率</translation>
    </message>
    <message>
        <source>New-customer target</source>
        <translation>新客户目标</translation>
    </message>
    <message>
        <source>New customers so far</source>
        <translation>已获新客户</translation>
    </message>
    <message>
        <source>Weighted pipeline</source>
        <translation>加权商机金额</translation>
    </message>
    <message>
        <source>Coverage</source>
        <translation>覆盖率</translation>
    </message>
    <message>
        <source>Paid orders of the salesperson&apos;s customers in the period; the tooltip of a cell shows the deals won.</source>
        <translation>本期该销售名下客户的已付款订单金额；单元格提示中显示赢单金额。</translation>
    </message>
    <message>
        <source>Customers whose first paid order falls in the period.</source>
        <translation>首次付款订单在本期内的客户。</translation>
    </message>
    <message>
        <source>Open deals (amount × win probability) expected to close in what is left of the period.</source>
        <translation>预计在本期剩余时间内成交的进行中商机（金额 × 赢率）。</translation>
    </message>
    <message>
        <source>Weighted pipeline over the revenue still missing to reach the target.</source>
        <translation>加权商机金额 ÷ 距目标尚差的销售额。</translation>
    </message>
    <message>
        <source>Copy from previous period</source>
        <translation>复制上期目标</translation>
    </message>
    <message>
        <source>Import from Excel…</source>
        <translation>从 Excel 导入…</translation>
    </message>
    <message>
        <source>Download template…</source>
        <translation>下载模板…</translation>
    </message>
    <message>
        <source>Save</source>
        <translation>保存</translation>
    </message>
    <message>
        <source>Close</source>
        <translation>关闭</translation>
    </message>
    <message>
        <source>Q%1 %2</source>
        <translation>%2年第%1季度</translation>
    </message>
    <message>
        <source>(current)</source>
        <translation>（本期）</translation>
    </message>
    <message>
        <source>Loading…</source>
        <translation>正在加载…</translation>
    </message>
    <message>
        <source>Could not load the targets: %1</source>
        <translation>无法加载业绩目标：%1</translation>
    </message>
    <message>
        <source>The period is over.</source>
        <translation>本期已结束。</translation>
    </message>
    <message>
        <source>The period has not begun.</source>
        <translation>本期尚未开始。</translation>
    </message>
    <message>
        <source>Day %1 of %2 (%3 of the period gone).</source>
        <translation>第 %1 天，共 %2 天（时间已过 %3）。</translation>
    </message>
    <message>
        <source>Team %1</source>
        <translation>团队：%1</translation>
    </message>
    <message>
        <source>Deals won: %1</source>
        <translation>赢单金额：%1</translation>
    </message>
    <message>
        <source>sum of members: %1</source>
        <translation>成员合计：%1</translation>
    </message>
    <message>
        <source>Not saved yet (was: %1)</source>
        <translation>尚未保存（原为：%1）</translation>
    </message>
    <message>
        <source>no target</source>
        <translation>未设目标</translation>
    </message>
    <message>
        <source>At an even pace, %1 would be reached by today.</source>
        <translation>按时间进度，到今天应完成 %1。</translation>
    </message>
    <message>
        <source>reached</source>
        <translation>已达成</translation>
    </message>
    <message>
        <source>Still missing: %1</source>
        <translation>尚差：%1</translation>
    </message>
    <message>
        <source>Not a valid target: %1</source>
        <translation>不是有效的目标值：%1</translation>
    </message>
    <message>
        <source>%1 changed this to: revenue %2, new customers %3</source>
        <translation>%1 已改为：销售额 %2，新客户 %3</translation>
    </message>
    <message>
        <source>Someone else</source>
        <translation>其他人</translation>
    </message>
    <message>
        <source>%1 (changed by %2)</source>
        <translation>%1（由 %2 修改）</translation>
    </message>
    <message>
        <source>someone else</source>
        <translation>其他人</translation>
    </message>
    <message>
        <source>Nothing was saved: another manager changed the targets of %1 after you opened them. Their values are loaded now and yours are kept in the marked cells (the tooltip shows theirs); Save again to keep yours.</source>
        <translation>未保存任何内容：在您打开之后，其他经理修改了 %1 的目标。现已载入对方的数值，您的修改保留在标红的单元格中（提示中显示对方的数值）；再次保存即以您的数值为准。</translation>
    </message>
    <message>
        <source>Saved: %1 new, %2 changed, %3 unchanged.</source>
        <translation>已保存：新增 %1 项，修改 %2 项，未变 %3 项。</translation>
    </message>
    <message numerus="yes">
        <source>%n target(s) copied from %1; check them, then Save.</source>
        <translation>
            <numerusform>已从%1复制 %n 项目标；请检查后保存。</numerusform>
        </translation>
    </message>
    <message>
        <source>Nothing to copy: %1 has no targets for the people and teams without one here.</source>
        <translation>没有可复制的内容：%1没有本期尚未设定目标的人员或团队的目标。</translation>
    </message>
    <message>
        <source>Download template</source>
        <translation>下载模板</translation>
    </message>
    <message>
        <source>Excel workbooks (*.xlsx)</source>
        <translation>Excel 工作簿 (*.xlsx)</translation>
    </message>
    <message>
        <source>Salesperson</source>
        <translation>销售</translation>
    </message>
    <message>
        <source>Team</source>
        <translation>团队</translation>
    </message>
    <message>
        <source>New customers target</source>
        <translation>新客户目标</translation>
    </message>
    <message>
        <source>Could not write %1: %2</source>
        <translation>无法写入 %1：%2</translation>
    </message>
    <message>
        <source>Template saved to %1</source>
        <translation>模板已保存到 %1</translation>
    </message>
    <message>
        <source>Import targets</source>
        <translation>导入业绩目标</translation>
    </message>
    <message>
        <source>Your unsaved changes will be lost. Import anyway?</source>
        <translation>未保存的修改将会丢失。仍要导入吗？</translation>
    </message>
    <message>
        <source>Spreadsheets (*.xlsx *.csv);;All files (*)</source>
        <translation>表格文件 (*.xlsx *.csv);;所有文件 (*)</translation>
    </message>
    <message>
        <source>Importing…</source>
        <translation>正在导入…</translation>
    </message>
    <message>
        <source>Also for: %1</source>
        <translation>另含：%1</translation>
    </message>
    <message numerus="yes">
        <source>… and %n more</source>
        <translation>
            <numerusform>…… 另有 %n 项</numerusform>
        </translation>
    </message>
    <message>
        <source>Nothing was imported. Correct these rows and import again:</source>
        <translation>未导入任何内容。请更正以下各行后重新导入：</translation>
    </message>
    <message>
        <source>Nothing was imported: %1</source>
        <translation>未导入任何内容：%1</translation>
    </message>
    <message>
        <source>Header row</source>
        <translation>表头行</translation>
    </message>
    <message>
        <source>File</source>
        <translation>文件</translation>
    </message>
    <message>
        <source>%1, row %2</source>
        <translation>%1 第 %2 行</translation>
    </message>
    <message>
        <source>%1 · %2: %3</source>
        <translation>%1 · %2：%3</translation>
    </message>
    <message>
        <source>You have unsaved changes. Discard them?</source>
        <translation>有未保存的修改。要放弃吗？</translation>
    </message>
    <message>
        <source>No active salesperson is in a team called “%1”.</source>
        <translation>没有在职销售属于团队“%1”。</translation>
    </message>
    <message>
        <source>No active salesperson is called “%1” (display name, user name or email).</source>
        <translation>没有名为“%1”的在职销售（可填姓名、用户名或邮箱）。</translation>
    </message>
    <message>
        <source>More than one salesperson is called “%1”: %2. Use the user name.</source>
        <translation>有多位销售名为“%1”：%2。请填写用户名。</translation>
    </message>
    <message>
        <source>“%1” is in the file twice; row %2 sets it already.</source>
        <translation>“%1”在文件中出现了两次；第 %2 行已设定。</translation>
    </message>
    <message>
        <source>Must be zero or more: %1</source>
        <translation>不能为负数：%1</translation>
    </message>
    <message>
        <source>Not a month (2026-10) or a quarter (2026-Q4): %1</source>
        <translation>不是月份（2026-10）或季度（2026-Q4）：%1</translation>
    </message>
    <message>
        <source>Not a whole number: %1</source>
        <translation>不是整数：%1</translation>
    </message>
    <message>
        <source>Not an amount: %1</source>
        <translation>不是金额：%1</translation>
    </message>
    <message>
        <source>No period: add a Period column or choose the period.</source>
        <translation>缺少期间：请添加“期间”列或选择期间。</translation>
    </message>
    <message>
        <source>No header row found: the first rows need a Salesperson or Team column and a Revenue target or New customers target column.</source>
        <translation>未找到表头：前几行需要有“销售”或“团队”列，以及“销售额目标”或“新客户目标”列。</translation>
    </message>
    <message>
        <source>Neither a salesperson nor a team.</source>
        <translation>既没有销售也没有团队。</translation>
    </message>
    <message>
        <source>The file cannot be read as an Excel workbook.</source>
        <translation>无法作为 Excel 工作簿读取此文件。</translation>
    </message>
    <message>
        <source>Only Excel workbooks (.xlsx) and CSV files can be imported.</source>
        <translation>只能导入 Excel 工作簿（.xlsx）和 CSV 文件。</translation>
    </message>
    <message>
        <source>The file is neither UTF-8 nor GBK text.</source>
        <translation>此文件既不是 UTF-8 也不是 GBK 编码的文本。</translation>
    </message>
</context>
<context>
    <name>TicketDialog</name>
    <message>
        <source>Ticket</source>
        <translation>工单</translation>
    </message>
    <message>
        <source>Open the customer</source>
        <translation>打开客户</translation>
    </message>
    <message>
        <source>Customer</source>
        <translation>客户</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>状态</translation>
    </message>
    <message>
        <source>Opened</source>
        <translation>创建时间</translation>
    </message>
    <message>
        <source>Priority</source>
        <translation>优先级</translation>
    </message>
    <message>
        <source>Assignee</source>
        <translation>处理人</translation>
    </message>
    <message>
        <source>Service level</source>
        <translation>服务水平</translation>
    </message>
    <message>
        <source>First response</source>
        <translation>首次响应</translation>
    </message>
    <message>
        <source>Resolution</source>
        <translation>解决</translation>
    </message>
    <message>
        <source>Time left</source>
        <translation>剩余时间</translation>
    </message>
    <message>
        <source>Satisfaction</source>
        <translation>满意度</translation>
    </message>
    <message>
        <source>Write a reply to the customer, or an internal note for colleagues</source>
        <translation>给客户写回复，或给同事写内部备注</translation>
    </message>
    <message>
        <source>Add internal note</source>
        <translation>添加内部备注</translation>
    </message>
    <message>
        <source>Reply to customer</source>
        <translation>回复客户</translation>
    </message>
    <message>
        <source>Start work</source>
        <translation>开始处理</translation>
    </message>
    <message>
        <source>Wait for customer</source>
        <translation>等待客户</translation>
    </message>
    <message>
        <source>Resume</source>
        <translation>恢复处理</translation>
    </message>
    <message>
        <source>Resolve…</source>
        <translation>解决…</translation>
    </message>
    <message>
        <source>Close ticket</source>
        <translation>关闭工单</translation>
    </message>
    <message>
        <source>Reopen</source>
        <translation>重新打开</translation>
    </message>
    <message>
        <source>The SLA clock stops until the ticket resumes</source>
        <translation>SLA 计时暂停，直到恢复处理</translation>
    </message>
    <message>
        <source>Nothing more to do: the customer confirmed the solution</source>
        <translation>无需再处理：客户已确认解决</translation>
    </message>
    <message>
        <source>The problem came back: work on it again</source>
        <translation>问题复现：重新处理</translation>
    </message>
    <message>
        <source>Workflow</source>
        <translation>流程</translation>
    </message>
    <message>
        <source>Conversation and history</source>
        <translation>沟通与记录</translation>
    </message>
    <message>
        <source>Code</source>
        <translation>编号</translation>
    </message>
    <message>
        <source>Tier</source>
        <translation>层级</translation>
    </message>
    <message>
        <source>Phone</source>
        <translation>电话</translation>
    </message>
    <message>
        <source>Contact</source>
        <translation>联系人</translation>
    </message>
    <message>
        <source>Recent orders</source>
        <translation>最近订单</translation>
    </message>
    <message>
        <source>Order</source>
        <translation>订单</translation>
    </message>
    <message>
        <source>Date</source>
        <translation>日期</translation>
    </message>
    <message>
        <source>Amount</source>
        <translation>金额</translation>
    </message>
    <message>
        <source>Other tickets</source>
        <translation>其他工单</translation>
    </message>
    <message>
        <source>Number</source>
        <translation>工单号</translation>
    </message>
    <message>
        <source>Subject</source>
        <translation>主题</translation>
    </message>
    <message>
        <source>Double-click to open</source>
        <translation>双击打开</translation>
    </message>
    <message>
        <source>Conversation</source>
        <translation>沟通</translation>
    </message>
    <message>
        <source>Ticket %1</source>
        <translation>工单 %1</translation>
    </message>
    <message>
        <source>due %1</source>
        <translation>截止 %1</translation>
    </message>
    <message>
        <source>no target</source>
        <translation>无时限</translation>
    </message>
    <message>
        <source>answered %1, late</source>
        <translation>%1 已响应，超时</translation>
    </message>
    <message>
        <source>answered %1, in time</source>
        <translation>%1 已响应，按时</translation>
    </message>
    <message>
        <source>not answered yet</source>
        <translation>尚未响应</translation>
    </message>
    <message>
        <source>resolved %1</source>
        <translation>%1 已解决</translation>
    </message>
    <message>
        <source>%1/5</source>
        <translation>%1/5</translation>
    </message>
    <message>
        <source>not asked</source>
        <translation>未询问</translation>
    </message>
    <message>
        <source>paused (waiting on customer) · %1</source>
        <translation>已暂停（等待客户）· %1</translation>
    </message>
    <message>
        <source>Ticket opened</source>
        <translation>工单已创建</translation>
    </message>
    <message>
        <source>Internal note</source>
        <translation>内部备注</translation>
    </message>
    <message>
        <source>Priority: %1 → %2</source>
        <translation>优先级：%1 → %2</translation>
    </message>
    <message>
        <source>Assigned: %1 → %2</source>
        <translation>分配：%1 → %2</translation>
    </message>
    <message>
        <source>Satisfaction %1/5</source>
        <translation>满意度 %1/5</translation>
    </message>
    <message>
        <source>Unassigned</source>
        <translation>未分配</translation>
    </message>
    <message>
        <source>only staff see this</source>
        <translation>仅员工可见</translation>
    </message>
    <message>
        <source>System</source>
        <translation>系统</translation>
    </message>
    <message>
        <source>Write the reply or the note first.</source>
        <translation>请先写回复或备注。</translation>
    </message>
</context>
<context>
    <name>TicketTableModel</name>
    <message>
        <source>Number</source>
        <translation>工单号</translation>
    </message>
    <message>
        <source>Subject</source>
        <translation>主题</translation>
    </message>
    <message>
        <source>Customer</source>
        <translation>客户</translation>
    </message>
    <message>
        <source>Priority</source>
        <translation>优先级</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>状态</translation>
    </message>
    <message>
        <source>Assignee</source>
        <translation>处理人</translation>
    </message>
    <message>
        <source>Opened</source>
        <translation>创建时间</translation>
    </message>
    <message>
        <source>Time left</source>
        <translation>剩余时间</translation>
    </message>
    <message>
        <source>Times in the business-hours time zone (%1)</source>
        <translation>时间按工作时间所在时区（%1）显示</translation>
    </message>
    <message>
        <source>Business time left to the running SLA deadline (the first response, then the resolution)</source>
        <translation>距当前 SLA 时限（先是首次响应，然后是解决）剩余的工作时间</translation>
    </message>
    <message>
        <source>Unassigned</source>
        <translation>未分配</translation>
    </message>
    <message>
        <source>Resolution was due %1</source>
        <translation>解决时限为 %1</translation>
    </message>
    <message>
        <source>%1 due %2</source>
        <translation>%1截止 %2</translation>
    </message>
</context>
<context>
    <name>Tickets</name>
    <message>
        <source>%n working day(s)</source>
        <translation>%n 个工作日</translation>
    </message>
    <message>
        <source>%1 h</source>
        <translation>%1 小时</translation>
    </message>
    <message>
        <source>%1 h %2 min</source>
        <translation>%1 小时 %2 分</translation>
    </message>
    <message>
        <source>%1 min</source>
        <translation>%1 分钟</translation>
    </message>
    <message>
        <source>met</source>
        <translation>达标</translation>
    </message>
    <message>
        <source>missed</source>
        <translation>未达标</translation>
    </message>
    <message>
        <source>no target</source>
        <translation>无时限</translation>
    </message>
    <message>
        <source>overdue %1</source>
        <translation>已超时 %1</translation>
    </message>
    <message>
        <source>%1 left</source>
        <translation>剩余 %1</translation>
    </message>
    <message>
        <source>paused · %1</source>
        <translation>已暂停 · %1</translation>
    </message>
    <message>
        <source>first response</source>
        <translation>首次响应</translation>
    </message>
    <message>
        <source>resolution</source>
        <translation>解决</translation>
    </message>
    <message>
        <source>Escalated: response deadline breached</source>
        <translation>已升级：超过响应时限</translation>
    </message>
    <message>
        <source>Escalated: resolution deadline breached</source>
        <translation>已升级：超过解决时限</translation>
    </message>
    <message>
        <source>Warning: the response deadline is near</source>
        <translation>预警：响应时限将至</translation>
    </message>
    <message>
        <source>Warning: the resolution deadline is near</source>
        <translation>预警：解决时限将至</translation>
    </message>
    <message>
        <source>Unassigned</source>
        <translation>未分配</translation>
    </message>
    <message>
        <source>Someone else changed this ticket after you opened it; nothing was saved. The ticket has been reloaded: check it and try again.</source>
        <translation>您打开后，有人修改了这张工单；本次未保存。工单已重新加载，请核对后再试。</translation>
    </message>
    <message>
        <source>The ticket is “%1” now and cannot go to “%2”; nothing was saved.</source>
        <translation>工单现在是“%1”，不能改为“%2”；本次未保存。</translation>
    </message>
    <message>
        <source>This ticket no longer exists.</source>
        <translation>这张工单已不存在。</translation>
    </message>
</context>
<context>
    <name>TicketsSection</name>
    <message>
        <source>Open</source>
        <translation>未完成</translation>
    </message>
    <message>
        <source>All statuses</source>
        <translation>所有状态</translation>
    </message>
    <message>
        <source>Open: new, in progress and waiting on the customer</source>
        <translation>未完成：新建、处理中和等待客户</translation>
    </message>
    <message>
        <source>All priorities</source>
        <translation>所有优先级</translation>
    </message>
    <message>
        <source>Everyone</source>
        <translation>所有人</translation>
    </message>
    <message>
        <source>Unassigned</source>
        <translation>未分配</translation>
    </message>
    <message>
        <source>Me</source>
        <translation>我</translation>
    </message>
    <message>
        <source>Search number, subject or customer</source>
        <translation>搜索工单号、主题或客户</translation>
    </message>
    <message>
        <source>Breached</source>
        <translation>已超时</translation>
    </message>
    <message>
        <source>Open tickets past their SLA deadline</source>
        <translation>已超过 SLA 时限的未完成工单</translation>
    </message>
    <message>
        <source>Due soon</source>
        <translation>即将超时</translation>
    </message>
    <message>
        <source>Open tickets within the warning time of their SLA deadline</source>
        <translation>进入 SLA 预警时间的未完成工单</translation>
    </message>
    <message>
        <source>New ticket…</source>
        <translation>新建工单…</translation>
    </message>
    <message>
        <source>SLA settings…</source>
        <translation>SLA 设置…</translation>
    </message>
    <message>
        <source>Business hours, targets and escalation</source>
        <translation>工作时间、时限与升级</translation>
    </message>
    <message>
        <source>Business hours, targets and escalation (a manager changes them)</source>
        <translation>工作时间、时限与升级（由经理修改）</translation>
    </message>
    <message>
        <source>Time left counts business hours. Amber: due soon; red: past the deadline; grey: waiting on the customer (the clock is paused). Double-click a ticket to open it.</source>
        <translation>剩余时间按工作时间计算。琥珀色：即将超时；红色：已超时；灰色：等待客户（计时暂停）。双击工单可打开。</translation>
    </message>
    <message>
        <source>Loading…</source>
        <translation>正在加载…</translation>
    </message>
    <message numerus="yes">
        <source>%n ticket(s)</source>
        <translation>
            <numerusform>%n 张工单</numerusform>
        </translation>
    </message>
    <message>
        <source>Could not load the tickets</source>
        <translation>无法加载工单</translation>
    </message>
    <message>
        <source>Could not load the tickets: %1</source>
        <translation>无法加载工单：%1</translation>
    </message>
    <message>
        <source>Ticket %1 opened for %2</source>
        <translation>已为%2创建工单 %1</translation>
    </message>
    <message>
        <source>SLA settings saved</source>
        <translation>SLA 设置已保存</translation>
    </message>
</context>
<context>
    <name>TierRulesDialog</name>
    <message>
        <source>Tier rules</source>
        <translation>分层规则</translation>
    </message>
    <message>
        <source>Tier</source>
        <translation>层级</translation>
    </message>
    <message>
        <source>When</source>
        <translation>条件</translation>
    </message>
    <message>
        <source>Is</source>
        <translation>比较</translation>
    </message>
    <message>
        <source>Value</source>
        <translation>值</translation>
    </message>
    <message>
        <source>Use these rules</source>
        <translation>使用这套规则</translation>
    </message>
    <message>
        <source>Add rule</source>
        <translation>添加规则</translation>
    </message>
    <message>
        <source>Remove</source>
        <translation>删除</translation>
    </message>
    <message>
        <source>Move up</source>
        <translation>上移</translation>
    </message>
    <message>
        <source>Move down</source>
        <translation>下移</translation>
    </message>
    <message>
        <source>Start from:</source>
        <translation>从预设开始：</translation>
    </message>
    <message>
        <source>Otherwise</source>
        <translation>其余客户</translation>
    </message>
    <message>
        <source>At risk when P(alive) is below</source>
        <translation>存活概率低于此值时视为流失风险</translation>
    </message>
    <message>
        <source>…or days since the last order exceed the usual interval ×</source>
        <translation>…或距上次下单天数超过平常间隔的倍数</translation>
    </message>
    <message>
        <source>Lifetime value horizon (months)</source>
        <translation>生命周期价值预测期（月）</translation>
    </message>
    <message>
        <source>Monthly discount rate</source>
        <translation>月折现率</translation>
    </message>
    <message>
        <source>Rules are tried from the top; the first that matches gives the tier. Percentiles and P(alive) are numbers from 0 to 1.</source>
        <translation>规则自上而下依次匹配，第一条符合的规则决定层级。百分位和存活概率取 0 到 1 之间的数。</translation>
    </message>
    <message>
        <source>Only a manager or an administrator can change the tier rules.</source>
        <translation>只有经理或管理员可以修改分层规则。</translation>
    </message>
    <message>
        <source>one of</source>
        <translation>属于</translation>
    </message>
    <message>
        <source>a number, or segment names separated by commas</source>
        <translation>数字，或用逗号分隔的细分名称</translation>
    </message>
    <message>
        <source>Rule %1</source>
        <translation>规则 %1</translation>
    </message>
    <message>
        <source>Someone else changed the tier rules while you were editing; close this window and open it again to see theirs. Nothing was saved.</source>
        <translation>在您编辑期间，其他人修改了分层规则；请关闭此窗口后重新打开查看。本次未保存任何内容。</translation>
    </message>
</context>
<context>
    <name>TiersSection</name>
    <message>
        <source>Compute</source>
        <translation>计算</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <source>Apply tiers to customers</source>
        <translation>将分层应用到客户</translation>
    </message>
    <message>
        <source>Tier rules…</source>
        <translation>分层规则…</translation>
    </message>
    <message>
        <source>As of</source>
        <translation>截至</translation>
    </message>
    <message>
        <source>Colour by number of customers</source>
        <translation>按客户数着色</translation>
    </message>
    <message>
        <source>Colour by mean total purchases</source>
        <translation>按平均累计采购额着色</translation>
    </message>
    <message>
        <source>Compare</source>
        <translation>对比</translation>
    </message>
    <message>
        <source>From</source>
        <translation>从</translation>
    </message>
    <message>
        <source>to</source>
        <translation>到</translation>
    </message>
    <message>
        <source>List all at-risk customers</source>
        <translation>列出全部有流失风险的客户</translation>
    </message>
    <message>
        <source>Tiers</source>
        <translation>客户分层</translation>
    </message>
    <message>
        <source>Pareto</source>
        <translation>帕累托</translation>
    </message>
    <message>
        <source>RFM heat map</source>
        <translation>RFM 热力图</translation>
    </message>
    <message>
        <source>Tier migration</source>
        <translation>层级迁移</translation>
    </message>
    <message>
        <source>Lifetime value</source>
        <translation>生命周期价值</translation>
    </message>
    <message>
        <source>At risk</source>
        <translation>流失风险</translation>
    </message>
    <message>
        <source>Click a bar, a cell or a point to list its customers.</source>
        <translation>点击柱形、单元格或曲线上的点，列出对应的客户。</translation>
    </message>
    <message>
        <source>Create win-back follow-ups…</source>
        <translation>创建挽回跟进…</translation>
    </message>
    <message>
        <source>Code</source>
        <translation>编号</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>名称</translation>
    </message>
    <message>
        <source>Owner</source>
        <translation>负责人</translation>
    </message>
    <message>
        <source>Tier now</source>
        <translation>当前层级</translation>
    </message>
    <message>
        <source>Computed tier</source>
        <translation>计算层级</translation>
    </message>
    <message>
        <source>Segment</source>
        <translation>细分</translation>
    </message>
    <message>
        <source>R F M</source>
        <translation>R F M</translation>
    </message>
    <message>
        <source>Orders</source>
        <translation>订单数</translation>
    </message>
    <message>
        <source>Last 12 months</source>
        <translation>近12个月</translation>
    </message>
    <message>
        <source>P(alive)</source>
        <translation>存活概率</translation>
    </message>
    <message>
        <source>Predicted value</source>
        <translation>预测价值</translation>
    </message>
    <message>
        <source>Why at risk</source>
        <translation>风险原因</translation>
    </message>
    <message>
        <source>Not computed yet. Choose the date and press Compute: it scores every customer from the paid orders.</source>
        <translation>尚未计算。选择日期后点击“计算”：将根据已付款订单为每位客户评分。</translation>
    </message>
    <message>
        <source>applied %1</source>
        <translation>已于 %1 应用</translation>
    </message>
    <message>
        <source>not applied to customers yet</source>
        <translation>尚未应用到客户</translation>
    </message>
    <message>
        <source>BG/NBD r=%1 α=%2 a=%3 b=%4</source>
        <translation>BG/NBD r=%1 α=%2 a=%3 b=%4</translation>
    </message>
    <message>
        <source>no purchase model (too few repeat orders)</source>
        <translation>无购买模型（复购订单太少）</translation>
    </message>
    <message>
        <source>As of %1 · computed %2 by %3 · %4 customers, %5 with paid orders · %6 · %7</source>
        <translation>截至 %1 · %3 于 %2 计算 · 客户 %4 个，其中有已付款订单 %5 个 · %6 · %7</translation>
    </message>
    <message>
        <source>%1 customers are at risk of churning; they bought %2 in the last 12 months. A customer is at risk when P(alive) is below %3, or when the days since the last order exceed %4 times the customer&apos;s usual interval between purchases.</source>
        <translation>有 %1 个客户存在流失风险，他们近12个月的采购额为 %2。存活概率低于 %3，或距上次下单的天数超过该客户平常购买间隔的 %4 倍时，即视为有流失风险。</translation>
    </message>
    <message>
        <source>Customers per tier</source>
        <translation>各层级客户数</translation>
    </message>
    <message>
        <source>Purchases in the last 12 months</source>
        <translation>近12个月采购额</translation>
    </message>
    <message>
        <source>Click a bar to list the tier&apos;s customers.</source>
        <translation>点击柱形，列出该层级的客户。</translation>
    </message>
    <message>
        <source>top 20% of customers: %1 of revenue</source>
        <translation>前 20% 的客户贡献 %1 的收入</translation>
    </message>
    <message>
        <source>Share of customers, largest buyers first (%)</source>
        <translation>客户占比，按采购额从高到低（%）</translation>
    </message>
    <message>
        <source>Share of total purchases (%)</source>
        <translation>占总采购额比例（%）</translation>
    </message>
    <message>
        <source>Pareto curve of %1 buyers</source>
        <translation>%1 个购买客户的帕累托曲线</translation>
    </message>
    <message>
        <source>Click the curve to list the top customers up to that share.</source>
        <translation>点击曲线，列出该比例以内的头部客户。</translation>
    </message>
    <message>
        <source>Frequency score F (5 = most orders)</source>
        <translation>频次评分 F（5 = 订单最多）</translation>
    </message>
    <message>
        <source>Recency score R (5 = bought most recently)</source>
        <translation>近度评分 R（5 = 最近购买）</translation>
    </message>
    <message>
        <source>Customers by recency and frequency</source>
        <translation>按近度和频次分布的客户数</translation>
    </message>
    <message>
        <source>Mean total purchases by recency and frequency</source>
        <translation>按近度和频次的平均累计采购额</translation>
    </message>
    <message>
        <source>Click a cell to list its customers.</source>
        <translation>点击单元格，列出其中的客户。</translation>
    </message>
    <message>
        <source>Tier migration needs tiers applied in two different months.</source>
        <translation>层级迁移需要在两个不同月份应用过分层。</translation>
    </message>
    <message>
        <source>(none)</source>
        <translation>（无）</translation>
    </message>
    <message>
        <source>Tier migration: %1 → %2</source>
        <translation>层级迁移：%1 → %2</translation>
    </message>
    <message>
        <source>Rows: tier before; columns: tier after. Click a cell to list its customers.</source>
        <translation>行：之前的层级；列：之后的层级。点击单元格列出其中的客户。</translation>
    </message>
    <message>
        <source>Predicted lifetime value, next 12 months (CNY, log scale)</source>
        <translation>未来12个月预测生命周期价值（元，对数坐标）</translation>
    </message>
    <message>
        <source>Customers</source>
        <translation>客户数</translation>
    </message>
    <message>
        <source>Distribution of predicted lifetime value (median %1)</source>
        <translation>预测生命周期价值分布（中位数 %1）</translation>
    </message>
    <message>
        <source>Click a bar to list its customers.</source>
        <translation>点击柱形，列出其中的客户。</translation>
    </message>
    <message>
        <source>P(alive) below the threshold</source>
        <translation>存活概率低于阈值</translation>
    </message>
    <message>
        <source>Overdue against the usual interval</source>
        <translation>超过平常购买间隔</translation>
    </message>
    <message>
        <source>Both</source>
        <translation>两者皆有</translation>
    </message>
    <message>
        <source>%1 customers, %2 bought in 12 months</source>
        <translation>%1 个客户，近12个月采购 %2</translation>
    </message>
    <message>
        <source>At-risk customers</source>
        <translation>有流失风险的客户</translation>
    </message>
    <message>
        <source>At-risk customers by tier and reason</source>
        <translation>各层级有流失风险的客户及原因</translation>
    </message>
    <message>
        <source>Click a bar to list the tier&apos;s at-risk customers.</source>
        <translation>点击柱形，列出该层级有流失风险的客户。</translation>
    </message>
    <message>
        <source>At-risk customers in tier %1</source>
        <translation>%1中有流失风险的客户</translation>
    </message>
    <message>
        <source>Tier: %1</source>
        <translation>层级：%1</translation>
    </message>
    <message>
        <source>R = %1, F = %2</source>
        <translation>R = %1，F = %2</translation>
    </message>
    <message>
        <source>Top %1 of buyers by purchases</source>
        <translation>采购额前 %1 的客户</translation>
    </message>
    <message>
        <source>Predicted value %1 to %2</source>
        <translation>预测价值 %1 至 %2</translation>
    </message>
    <message>
        <source>%1 in %2, %3 in %4</source>
        <translation>%2 为%1，%4 为%3</translation>
    </message>
    <message>
        <source>%1: %2 customers</source>
        <translation>%1：%2 个客户</translation>
    </message>
    <message>
        <source> (the first %1 shown)</source>
        <translation>（显示前 %1 个）</translation>
    </message>
    <message>
        <source>P(alive) %1 below %2</source>
        <translation>存活概率 %1，低于 %2</translation>
    </message>
    <message>
        <source>%1 days since the last order, %2× the usual %3 days</source>
        <translation>距上次下单 %1 天，是平常间隔 %3 天的 %2 倍</translation>
    </message>
    <message>
        <source>Reading orders</source>
        <translation>读取订单</translation>
    </message>
    <message>
        <source>Summarising purchases</source>
        <translation>汇总购买记录</translation>
    </message>
    <message>
        <source>RFM scores</source>
        <translation>RFM 评分</translation>
    </message>
    <message>
        <source>Fitting the purchase models</source>
        <translation>拟合购买模型</translation>
    </message>
    <message>
        <source>Predicting lifetime value</source>
        <translation>预测生命周期价值</translation>
    </message>
    <message>
        <source>Tiers and churn warnings</source>
        <translation>分层与流失预警</translation>
    </message>
    <message>
        <source>Saving</source>
        <translation>保存</translation>
    </message>
    <message>
        <source>Computation cancelled; the charts show the last stored result.</source>
        <translation>计算已取消；图表显示上次保存的结果。</translation>
    </message>
    <message>
        <source>The tiers could not be computed: %1</source>
        <translation>无法计算分层：%1</translation>
    </message>
    <message>
        <source>Apply tiers</source>
        <translation>应用分层</translation>
    </message>
    <message>
        <source>Give every customer the tier computed as of %1? Each change is recorded in the customer&apos;s history, and this month&apos;s tier snapshot is replaced.</source>
        <translation>按截至 %1 的计算结果为每个客户设置层级？每项变更都会记入客户历史，并替换本月的分层快照。</translation>
    </message>
    <message>
        <source>%1 customers changed tier; snapshot %2 stored.</source>
        <translation>%1 个客户的层级发生变化；已保存 %2 快照。</translation>
    </message>
    <message>
        <source>Win-back follow-ups</source>
        <translation>挽回跟进</translation>
    </message>
    <message>
        <source>Plan a win-back call for each of these %1 customers, for its owner, tomorrow at 10:00? Customers who already have an open follow-up are skipped.</source>
        <translation>为这 %1 个客户各安排一次挽回电话，由客户负责人在明天 10:00 跟进？已有未完成跟进的客户将被跳过。</translation>
    </message>
    <message>
        <source>Win-back call</source>
        <translation>挽回电话</translation>
    </message>
    <message>
        <source>Created from the tier analysis: %1</source>
        <translation>由客户分层分析创建：%1</translation>
    </message>
    <message>
        <source>%1 follow-ups planned; %2 customers skipped (already planned).</source>
        <translation>已安排 %1 个跟进；跳过 %2 个客户（已有安排）。</translation>
    </message>
</context>
<context>
    <name>Tile</name>
    <message>
        <source>Show all ›</source>
        <translation>查看全部 ›</translation>
    </message>
</context>
<context>
    <name>TimeGrid</name>
    <message>
        <source>Owner: %1</source>
        <translation>负责人：%1</translation>
    </message>
    <message>
        <source>Unassigned</source>
        <translation>未分配</translation>
    </message>
    <message>
        <source>Done</source>
        <translation>完成</translation>
    </message>
    <message>
        <source>Overdue</source>
        <translation>逾期</translation>
    </message>
    <message>
        <source>Recurring</source>
        <translation>重复</translation>
    </message>
    <message>
        <source>Off</source>
        <translation>休</translation>
    </message>
    <message>
        <source>Work</source>
        <translation>班</translation>
    </message>
    <message>
        <source>Not yet announced: estimated</source>
        <translation>尚未公布：估计</translation>
    </message>
</context>
<context>
    <name>TodayPanel</name>
    <message>
        <source>When</source>
        <translation>时间</translation>
    </message>
    <message>
        <source>Type</source>
        <translation>类型</translation>
    </message>
    <message>
        <source>Customer</source>
        <translation>客户</translation>
    </message>
    <message>
        <source>Subject</source>
        <translation>主题</translation>
    </message>
    <message>
        <source>Neglected customers</source>
        <translation>被冷落的客户</translation>
    </message>
    <message>
        <source>Due for a follow-up by their tier&apos;s cadence, with nothing planned</source>
        <translation>按所在层级的跟进节奏该跟进了，却没有任何安排</translation>
    </message>
    <message>
        <source>Tier</source>
        <translation>层级</translation>
    </message>
    <message>
        <source>Last contact</source>
        <translation>上次联系</translation>
    </message>
    <message>
        <source>Due</source>
        <translation>应跟进</translation>
    </message>
    <message>
        <source>Plan follow-up…</source>
        <translation>安排跟进…</translation>
    </message>
    <message>
        <source>Today, %1</source>
        <translation>今天，%1</translation>
    </message>
    <message numerus="yes">
        <source>%n follow-up(s) today</source>
        <translation>
            <numerusform>今天 %n 条跟进</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n overdue</source>
        <translation>
            <numerusform>%n 条逾期</numerusform>
        </translation>
    </message>
    <message>
        <source>Today (%1)</source>
        <translation>今天（%1）</translation>
    </message>
    <message>
        <source>Overdue (%1)</source>
        <translation>逾期（%1）</translation>
    </message>
    <message>
        <source>the latest %1 shown</source>
        <translation>显示最近的 %1 条</translation>
    </message>
    <message numerus="yes">
        <source>%n day(s) overdue</source>
        <translation>
            <numerusform>逾期 %n 天</numerusform>
        </translation>
    </message>
    <message>
        <source>Repeats</source>
        <translation>重复</translation>
    </message>
    <message>
        <source>Nothing due today. Well done.</source>
        <translation>今天没有待办，干得好。</translation>
    </message>
    <message>
        <source>Done</source>
        <translation>完成</translation>
    </message>
    <message>
        <source>Mark done; the next follow-up is planned by the cadence</source>
        <translation>标记完成；下次跟进按节奏自动安排</translation>
    </message>
    <message>
        <source>Note…</source>
        <translation>记结果…</translation>
    </message>
    <message>
        <source>Complete with an outcome note</source>
        <translation>完成并记录结果</translation>
    </message>
    <message>
        <source>Tomorrow</source>
        <translation>明天</translation>
    </message>
    <message>
        <source>Reschedule to tomorrow, same time</source>
        <translation>改到明天同一时间</translation>
    </message>
    <message numerus="yes">
        <source>%n day(s) ago</source>
        <translation>
            <numerusform>%n 天前</numerusform>
        </translation>
    </message>
    <message>
        <source>today</source>
        <translation>今天</translation>
    </message>
    <message numerus="yes">
        <source>in %n day(s)</source>
        <translation>
            <numerusform>%n 天后</numerusform>
        </translation>
    </message>
    <message>
        <source>never</source>
        <translation>从未</translation>
    </message>
</context>
<context>
    <name>WherePage</name>
    <message>
        <source>Where your data lives</source>
        <translation>数据存放在哪里</translation>
    </message>
    <message>
        <source>One person on one computer needs nothing else; a team shares one database on the office server.</source>
        <translation>一个人在一台电脑上使用，无需其他设置；团队则共用办公室服务器上的一个数据库。</translation>
    </message>
    <message>
        <source>Work on this computer</source>
        <translation>在本机工作</translation>
    </message>
    <message>
        <source>Your customers are kept in a file on this computer (%1). Back it up from the File menu.</source>
        <translation>客户数据保存在本机的一个文件中（%1）。可在“文件”菜单中备份。</translation>
    </message>
    <message>
        <source>Connect to the office database</source>
        <translation>连接办公室数据库</translation>
    </message>
</context>
<context>
    <name>WonDialog</name>
    <message>
        <source>Deal won</source>
        <translation>赢单</translation>
    </message>
    <message>
        <source>“%1” with %2</source>
        <translation>%2 的“%1”</translation>
    </message>
    <message>
        <source>Final amount (¥)</source>
        <translation>成交金额（元）</translation>
    </message>
    <message>
        <source>Close date</source>
        <translation>成交日期</translation>
    </message>
    <message>
        <source>Enter the amount the customer agreed to, for example 120,000.</source>
        <translation>请输入客户确认的金额，例如 120,000。</translation>
    </message>
</context>
</TS>
