"""Real notification servers for the desktop matrix, one rig module per server.

Every rig implements `base.ServerRig`: a private session bus whose service directory holds only
the server under test (and the helpers it needs, such as dconf or xfconf), the display it draws
on, the server itself, and the server's own way of telling what is on screen, pressing a button
and switching do-not-disturb.
"""
